import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { requantize, requantMultiplier } from '@qatjs/ir';
import { qlinearMatMulModel } from '../src/onnx/qlinear-matmul-model.ts';

describe('the benchmark QLinearMatMul model (encoded with @qatjs/onnx)', () => {
  for (const activation of ['int8', 'uint8'] as const) {
    it(`loads in onnxruntime-web and computes the requantized product (${activation} activations)`, async () => {
      const [m, k, n] = [2, 3, 2];
      const b = Int8Array.of(1, -2, 3, 4, -5, 6);
      const zp = activation === 'uint8' ? 128 : 0;
      const q = { aScale: 0.5, bScale: 0.25, yScale: 0.5, aZeroPoint: zp, yZeroPoint: zp };
      const session = await ort.InferenceSession.create(qlinearMatMulModel({ m, k, n, activation, b, ...q }));
      const a = [10, -20, 30, -1, 2, 3];
      const codes = activation === 'uint8' ? Uint8Array.from(a, (v) => v + zp) : Int8Array.from(a);
      const y = (await session.run({ a: new ort.Tensor(activation, codes, [m, k]) })).y.data as ArrayLike<number>;
      const mult = requantMultiplier(q.aScale, q.bScale, q.yScale);
      const [lo, hi] = activation === 'uint8' ? [0, 255] : [-128, 127];
      const want = [];
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let t = 0; t < k; t++) acc += a[i * k + t] * b[t * n + j];
        want.push(requantize(acc, mult, zp, lo, hi));
      }
      expect(Array.from(y)).toEqual(want);
    });
  }
});
