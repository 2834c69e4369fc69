// Depthwise conv2d against the scalar reference: channel tails (c not a multiple of 8), channel
// multipliers, strides, dilations, padding, per-channel scales and weight zero points.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, type WasmKernels } from '@qatjs/backend-wasm';
import { mult, refAxis, refDepthwiseAcc, refRequantRows, type Win } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

describe('depthwise conv2d s8s8 nhwc', () => {
  const cases: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; s: number; d: number; padding: 'same' | 'valid' }> = [
    { x: [1, 5, 5, 8], f: [3, 3, 8, 1], s: 1, d: 1, padding: 'same' },
    { x: [2, 6, 7, 13], f: [3, 3, 13, 1], s: 2, d: 1, padding: 'same' },
    { x: [1, 9, 9, 3], f: [5, 5, 3, 1], s: 1, d: 2, padding: 'same' },
    { x: [1, 6, 5, 20], f: [2, 3, 20, 1], s: 1, d: 1, padding: 'valid' },
    { x: [1, 5, 5, 3], f: [3, 3, 3, 2], s: 1, d: 1, padding: 'same' }, // multiplier 2
    { x: [2, 4, 4, 5], f: [3, 1, 5, 3], s: 2, d: 1, padding: 'valid' }, // multiplier 3
    { x: [1, 1, 1, 1], f: [1, 1, 1, 1], s: 1, d: 1, padding: 'valid' },
  ];
  cases.forEach((c, i) => {
    it(`x [${c.x.join(',')}] filter [${c.f.join(',')}] stride ${c.s} dilation ${c.d} ${c.padding}`, () => {
      const r = new Rand(500 + i);
      const [n, h, w, cin] = c.x;
      const [kh, kw, , mul] = c.f;
      const cout = cin * mul;
      const xv = r.int8s(n * h * w * cin);
      const fv = r.int8s(kh * kw * cin * mul);
      const zpx = r.int(-128, 127);
      const zpw = Int32Array.from({ length: cout }, () => r.int(-5, 5));
      const bias = Int32Array.from({ length: cout }, () => r.int(-2000, 2000));
      const sw = Float64Array.from({ length: cout }, () => 0.005 + 0.01 * r.next());
      const input = { scale: 0.05, zeroPoint: zpx };
      const output = { scale: 0.05 * 0.01 * kh * kw * 10, zeroPoint: r.int(-10, 10) };
      const spec = { filterShape: c.f, filter: fv, strides: c.s, dilations: c.d, padding: c.padding, bias, input, weight: { scale: sw, zeroPoint: zpw } };
      const op8 = K.createDepthwiseConv2d({ ...spec, output });
      const op32 = K.createDepthwiseConv2d({ ...spec, output: 'int32' });
      const [oh, padTop] = refAxis(h, kh, c.s, c.d, c.padding);
      const [ow, padLeft] = refAxis(w, kw, c.s, c.d, c.padding);
      const g: Win = { kh, kw, sh: c.s, sw: c.s, dh: c.d, dw: c.d, padTop, padLeft, oh, ow };
      const outShape = [n, oh, ow, cout];
      expect(op8.outputShape(c.x)).toEqual(outShape);
      const x = K.tensor('int8', c.x, xv);
      const y8 = K.tensor('int8', outShape);
      const y32 = K.tensor('int32', outShape);
      op8.run(x, y8);
      op32.run(x, y32);
      const acc = refDepthwiseAcc(xv, c.x, fv, mul, g, zpx, zpw, bias);
      expect([...y32.read()]).toEqual([...acc]);
      const m = sw.map((s) => mult(input.scale, s, output.scale));
      expect([...y8.read()]).toEqual([...refRequantRows(acc, cout, m, output.zeroPoint, -128, 127)]);
      for (const t of [x, y8, y32, op8, op32]) t.dispose();
    });
  });
});
