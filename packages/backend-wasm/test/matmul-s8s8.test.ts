// Activation x activation matmul against the reference: batched, transposed B, shared B, nonzero
// zero points on both operands, int32 and int8 output.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, type WasmKernels } from '@qatjs/backend-wasm';
import { mult, refGemmAcc, refRequantRows } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

function transposeLast(v: Int8Array, batches: number, k: number, n: number): Int8Array {
  const t = new Int8Array(v.length);
  for (let b = 0; b < batches; b++) for (let kk = 0; kk < k; kk++) for (let j = 0; j < n; j++) t[b * k * n + j * k + kk] = v[b * k * n + kk * n + j];
  return t;
}

describe('matmul s8s8 (both operands activations)', () => {
  const cases: Array<{ batch: number[]; m: number; k: number; n: number; transposeB: boolean; sharedB: boolean }> = [
    { batch: [], m: 1, k: 1, n: 1, transposeB: false, sharedB: false },
    { batch: [], m: 7, k: 13, n: 9, transposeB: false, sharedB: false },
    { batch: [3], m: 16, k: 8, n: 16, transposeB: true, sharedB: false }, // Q.K^T of 3 heads
    { batch: [2, 2], m: 5, k: 17, n: 6, transposeB: false, sharedB: false },
    { batch: [4], m: 9, k: 31, n: 10, transposeB: true, sharedB: true },
    { batch: [], m: 33, k: 64, n: 40, transposeB: true, sharedB: false },
  ];
  cases.forEach((c, i) => {
    it(`batch [${c.batch.join(',')}] ${c.m}x${c.k}x${c.n}${c.transposeB ? ' transposeB' : ''}${c.sharedB ? ' shared B' : ''}`, () => {
      const r = new Rand(700 + i);
      const batches = c.batch.reduce((a, b) => a * b, 1);
      const av = r.int8s(batches * c.m * c.k);
      const bBatches = c.sharedB ? 1 : batches;
      const bv = r.int8s(bBatches * c.k * c.n); // [.., k, n]
      const qa = { scale: 0.04, zeroPoint: r.int(-128, 127) };
      const qb = { scale: 0.07, zeroPoint: r.int(-128, 127) };
      const qo = { scale: 0.04 * 0.07 * Math.sqrt(c.k) * 60, zeroPoint: r.int(-5, 5) };
      const a = K.tensor('int8', [...c.batch, c.m, c.k], av);
      const bShape = c.transposeB ? [c.n, c.k] : [c.k, c.n];
      const b = K.tensor('int8', [...(c.sharedB ? [] : c.batch), ...bShape], c.transposeB ? transposeLast(bv, bBatches, c.k, c.n) : bv);
      const y8 = K.tensor('int8', [...c.batch, c.m, c.n]);
      const y32 = K.tensor('int32', [...c.batch, c.m, c.n]);
      K.matmul(a, b, y32, { a: qa, b: qb, output: 'int32', transposeB: c.transposeB });
      K.matmul(a, b, y8, { a: qa, b: qb, output: qo, transposeB: c.transposeB, clamp: { min: -100, max: 100 } });
      const zpb = new Int32Array(c.n).fill(qb.zeroPoint);
      const m = new Float64Array(c.n).fill(mult(qa.scale, qb.scale, qo.scale));
      const acc: number[] = [];
      const q: number[] = [];
      for (let bi = 0; bi < batches; bi++) {
        const ab = av.subarray(bi * c.m * c.k, (bi + 1) * c.m * c.k);
        const bb = bv.subarray((c.sharedB ? 0 : bi) * c.k * c.n, ((c.sharedB ? 0 : bi) + 1) * c.k * c.n);
        const accB = refGemmAcc(ab, bb, c.m, c.k, c.n, qa.zeroPoint, zpb);
        acc.push(...accB);
        q.push(...refRequantRows(accB, c.n, m, qo.zeroPoint, -100, 100));
      }
      expect([...y32.read()]).toEqual(acc);
      expect([...y8.read()]).toEqual(q);
      for (const t of [a, b, y8, y32]) t.dispose();
    });
  });

  it('rejects mismatched inner and batch dimensions with clear errors', () => {
    const q = { scale: 1, zeroPoint: 0 };
    const a = K.tensor('int8', [2, 3, 4]);
    const b = K.tensor('int8', [2, 5, 6]);
    const b2 = K.tensor('int8', [3, 4, 6]);
    const y = K.tensor('int32', [2, 3, 6]);
    expect(() => K.matmul(a, b, y, { a: q, b: q, output: 'int32' })).toThrow(/inner dimensions differ/);
    expect(() => K.matmul(a, b2, y, { a: q, b: q, output: 'int32' })).toThrow(/batch dimensions differ/);
    expect(() => K.matmul(a, a, y, { a: q, b: q, output: 'int32', transposeB: true })).toThrow(/out must have shape \[2, 3, 3\]/);
    for (const t of [a, b, b2, y]) t.dispose();
  });
});
