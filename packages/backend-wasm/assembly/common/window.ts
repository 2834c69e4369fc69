// Which taps of a sliding window land inside the input, for one output position along one axis:
// input index = start + t * dilation with start = out * stride - padBefore; taps [lo, hi) are valid.

@inline export function tapLo(start: i32, dilation: i32): i32 {
  return start >= 0 ? 0 : (dilation - 1 - start) / dilation;
}

@inline export function tapHi(start: i32, dilation: i32, taps: i32, size: i32): i32 {
  const room = size - start;
  return room <= 0 ? 0 : min(taps, (room + dilation - 1) / dilation);
}
