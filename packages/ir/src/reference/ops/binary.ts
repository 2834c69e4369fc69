import type { Clamp } from '../../ops/attr-types.ts';
import { broadcastIndices } from '../broadcast.ts';
import { allocate, quantOf, type ReferenceKernel } from '../tensor.ts';

/** A quantized binary op on codes: (a, zA, sA, b, zB, sB, sY, zY, lo, hi) -> code (numerics.ts). */
type QuantizedBinary = (a: number, zA: number, sA: number, b: number, zB: number, sB: number, sY: number, zY: number, lo: number, hi: number) => number;

/**
 * The reference of a broadcasting binary elementwise op (ops/elementwise.ts): element i of y reads
 * the broadcast elements of a and b, and computes `float` on float32 nodes or `quantized` with the
 * node's clamp on int8/uint8 ones.
 */
export function binaryReference(float: (a: number, b: number) => number, quantized: QuantizedBinary): ReferenceKernel {
  return ({ node, inputs: [a, b], outputs: [out] }) => {
    const ia = broadcastIndices(out.shape, a.shape);
    const ib = broadcastIndices(out.shape, b.shape);
    const y = allocate(out);
    if (out.dtype === 'float32') {
      for (let i = 0; i < y.length; i++) y[i] = float(a.data[ia[i]], b.data[ib[i]]);
      return [y];
    }
    const [lo, hi] = node.attrs.clamp as Clamp;
    const aq = quantOf(a);
    const bq = quantOf(b);
    const yq = quantOf(out);
    for (let i = 0; i < y.length; i++) {
      y[i] = quantized(a.data[ia[i]], aq.zeroPoint[0], aq.scale[0], b.data[ib[i]], bq.zeroPoint[0], bq.scale[0], yq.scale[0], yq.zeroPoint[0], lo, hi);
    }
    return [y];
  };
}
