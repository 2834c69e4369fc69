// Reordering of weight codes for ONNX's layouts (row-major tensors).

/** The codes of a row-major tensor of `shape`, with its axes permuted by `perm` (output axis i = input axis perm[i]). */
export function permute(codes: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): { codes: Int32Array; dims: number[] } {
  const dims = perm.map((p) => shape[p]);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Int32Array(codes.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < dims.length; i++) src += index[i] * strides[perm[i]];
    out[o] = codes[src];
    for (let i = dims.length - 1; i >= 0; i--) {
      if (++index[i] < dims[i]) break;
      index[i] = 0;
    }
  }
  return { codes: out, dims };
}
