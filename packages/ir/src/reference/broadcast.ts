/**
 * For numpy broadcasting (shape.broadcastShapes): the flat index into an input of `inShape` that
 * each flat index of the output `outShape` reads, as one Int32Array. Input dims are right-aligned
 * with the output's; a dim of 1 is read at index 0 whatever the output index.
 */
export function broadcastIndices(outShape: readonly number[], inShape: readonly number[]): Int32Array {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const axis = rank - inShape.length + i;
    strides[axis] = inShape[i] === 1 ? 0 : stride;
    stride *= inShape[i];
  }
  const count = outShape.reduce((a, b) => a * b, 1);
  const out = new Int32Array(count);
  const index = new Array<number>(rank).fill(0);
  let at = 0;
  for (let flat = 0; flat < count; flat++) {
    out[flat] = at;
    // odometer: step the last axis, carrying into earlier ones
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      at += strides[axis];
      if (index[axis] < outShape[axis]) break;
      at -= strides[axis] * index[axis];
      index[axis] = 0;
    }
  }
  return out;
}
