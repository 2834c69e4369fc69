// Which taps of a sliding window land inside the input, for one output position along one axis:
// input index = start + t * dilation with start = out * stride - padBefore; taps [lo, hi) are valid.

// Dilation 1 (nearly every conv) skips the i32 divisions: a few of them a pixel cost more than
// gathering a 3x3 window of 16 channels.

@inline export function tapLo(start: i32, dilation: i32): i32 {
  if (start >= 0) return 0;
  return dilation == 1 ? -start : (dilation - 1 - start) / dilation;
}

@inline export function tapHi(start: i32, dilation: i32, taps: i32, size: i32): i32 {
  const room = size - start;
  if (room <= 0) return 0;
  return min(taps, dilation == 1 ? room : (room + dilation - 1) / dilation);
}
