// Every public entry point rejects bad arguments with a clear BackendWasmError before touching
// memory: shapes, dtypes, quantization parameters, clamps, overflow-prone K, disposed objects.
import { beforeAll, describe, expect, it } from 'vitest';
import { BackendWasmError, createKernels, type GemmSpec, type WasmKernels } from '@qatjs/backend-wasm';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

const q = { scale: 0.1, zeroPoint: 0 };
const gemm = (over: Partial<GemmSpec>): GemmSpec => ({ k: 4, n: 3, weights: new Int8Array(12), input: q, weight: { scale: 0.1 }, output: q, ...over });

describe('createGemm rejects bad specs', () => {
  const bad: Array<[string, Partial<GemmSpec>, RegExp]> = [
    ['k = 0', { k: 0 }, /k must be an integer in \[1/],
    ['fractional n', { n: 2.5 }, /n must be an integer/],
    ['wrong weight count', { weights: new Int8Array(11) }, /weights have 11 values, the shape needs 12/],
    ['weights as a plain array', { weights: [1, 2] as never }, /weights must be an Int8Array/],
    ['int4 byte count', { weights: { bits: 4, data: new Uint8Array(7) } }, /12 int4 weights take 6 bytes, got 7/],
    ['bits 3', { weights: { bits: 3 as never, data: new Uint8Array(6) } }, /bits must be 4 or 2/],
    ['zero input scale', { input: { scale: 0, zeroPoint: 0 } }, /input.scale must be a finite number > 0/],
    ['zero point out of int8', { input: { scale: 1, zeroPoint: 128 } }, /input.zeroPoint must be an integer in \[-128, 127\]/],
    ['per-channel scale count', { weight: { scale: [0.1, 0.2] } }, /weight.scale has 2 values for 3 channels/],
    ['negative per-channel scale', { weight: { scale: [0.1, -0.2, 0.1] } }, /weight.scale\[1\] must be a finite number > 0/],
    ['bias count', { bias: [1, 2] }, /bias must hold 3 int32 values/],
    ['bias out of int32', { bias: [1, 2, 2 ** 31] }, /bias\[2\] must be an integer/],
    ['clamp min > max', { clamp: { min: 5, max: 4 } }, /clamp.min 5 > clamp.max 4/],
    ['clamp with int32 output', { output: 'int32', clamp: { min: 0 } }, /clamp applies to int8 output only/],
    ['denormal multiplier', { input: { scale: 1e-30, zeroPoint: 0 }, output: { scale: 1e10, zeroPoint: 0 } }, /not a normal float32/],
    ['bad layout', { weightsLayout: 'nkk' as never }, /weightsLayout must be 'kn' or 'nk'/],
  ];
  for (const [name, over, msg] of bad) {
    it(name, () => {
      expect(() => K.createGemm(gemm(over))).toThrow(BackendWasmError);
      expect(() => K.createGemm(gemm(over))).toThrow(msg);
    });
  }

  it('K so large the int32 accumulator could overflow', () => {
    const k = 70000;
    expect(() => K.createGemm({ k, n: 1, weights: new Int8Array(k).fill(-128), input: { scale: 1, zeroPoint: 127 }, weight: { scale: 1 }, output: 'int32' })).toThrow(/can overflow the int32 accumulator/);
  });
});

describe('run-time checks', () => {
  it('gemm.run checks shapes, dtypes and aliasing', () => {
    const g = K.createGemm(gemm({}));
    const x = K.tensor('int8', [2, 4]);
    const y = K.tensor('int8', [2, 3]);
    expect(() => g.run(K.tensor('int8', [2, 5]), y)).toThrow(/x must have shape \[\.\.\., 4\]/);
    expect(() => g.run(x, K.tensor('int8', [3, 3]))).toThrow(/y must have shape \[2, 3\]/);
    expect(() => g.run(x, K.tensor('int32', [2, 3]) as never)).toThrow(/y must be int8, got int32/);
    expect(() => g.run(K.tensor('float32', [2, 4]) as never, y)).toThrow(/x must be int8/);
    expect(() => g.run({} as never, y)).toThrow(/x must be a WasmTensor/);
    const sq = K.createGemm(gemm({ k: 4, n: 4, weights: new Int8Array(16) }));
    const xy = K.tensor('int8', [2, 4]);
    expect(() => sq.run(xy, xy)).toThrow(/must not be one of the inputs/);
    x.dispose();
    expect(() => g.run(x, y)).toThrow(/x was disposed/);
  });

  it('conv2d checks the input channels and output shape', () => {
    const c = K.createConv2d({ filterShape: [3, 3, 2, 4], filter: new Int8Array(72), padding: 'same', input: q, weight: { scale: 0.1 }, output: q });
    expect(c.outputShape([1, 5, 5, 2])).toEqual([1, 5, 5, 4]);
    expect(() => c.run(K.tensor('int8', [1, 5, 5, 3]), K.tensor('int8', [1, 5, 5, 4]))).toThrow(/input must have shape \[n, h, w, 2\]/);
    expect(() => c.run(K.tensor('int8', [1, 5, 5, 2]), K.tensor('int8', [1, 4, 4, 4]))).toThrow(/y must have shape \[1, 5, 5, 4\]/);
    expect(() => K.createConv2d({ filterShape: [3, 3, 2], filter: new Int8Array(18), padding: 'same', input: q, weight: { scale: 1 }, output: q } as never)).toThrow(/filterShape must be/);
    expect(() => K.createConv2d({ filterShape: [3, 3, 2, 4], filter: new Int8Array(72), padding: 'full' as never, input: q, weight: { scale: 1 }, output: q })).toThrow(/padding must be/);
    expect(() => K.createConv2d({ filterShape: [3, 3, 2, 4], filter: new Int8Array(72), strides: 0, padding: 'same', input: q, weight: { scale: 1 }, output: q })).toThrow(/strides\[0\] must be an integer/);
    expect(() => K.createConv2d({ filterShape: [3, 3, 2, 4], filter: new Int8Array(72), padding: 'same', groups: 3, input: q, weight: { scale: 1 }, output: q })).toThrow(/groups 3 must divide the 4 output channels/);
    const grouped = K.createConv2d({ filterShape: [3, 3, 2, 4], filter: new Int8Array(72), padding: 'same', groups: 2, input: q, weight: { scale: 0.1 }, output: q });
    expect(grouped.outputShape([1, 5, 5, 4])).toEqual([1, 5, 5, 4]);
    expect(() => grouped.outputShape([1, 5, 5, 2])).toThrow(/input must have shape \[n, h, w, 4\]/);
    expect(() => K.createDepthwiseConv2d({ filterShape: [3, 3, 2, 1], filter: new Int8Array(18), padding: 'same', groups: 2, input: q, weight: { scale: 1 }, output: q })).toThrow(/groups is for conv2d/);
    const v = K.createConv2d({ filterShape: [5, 5, 2, 4], filter: new Int8Array(200), padding: 'valid', input: q, weight: { scale: 0.1 }, output: q });
    expect(() => v.outputShape([1, 3, 3, 2])).toThrow(/does not fit a 3x3 input/);
  });

  it('elementwise ops check shapes and parameters', () => {
    const a = K.tensor('int8', [4]);
    const b = K.tensor('int8', [5]);
    const f = K.tensor('float32', [4]);
    expect(() => K.add(a, b, a, { a: q, b: q, output: q })).toThrow(/shapes \[4\] and \[5\] do not broadcast/);
    expect(() => K.add(a, a, a, { a: q, b: q } as never)).toThrow(/params.output must be/);
    expect(() => K.quantize(f, b, q)).toThrow(/y must have shape \[4\]/);
    expect(() => K.quantize(f, a, { scale: NaN, zeroPoint: 0 })).toThrow(/scale must be a finite number > 0/);
    expect(() => K.dequantize(a, f, { scale: 1, zeroPoint: -129 })).toThrow(/zeroPoint must be an integer/);
    expect(() => K.maxPool(K.tensor('int8', [4, 4, 1]), K.tensor('int8', [1, 2, 2, 1]), { window: 2, padding: 'valid' })).toThrow(/x must have rank 4/);
  });

  it('a disposed kernels instance refuses new work', async () => {
    const k2 = await createKernels();
    k2.dispose();
    expect(() => k2.tensor('int8', [1])).toThrow(/kernels instance was disposed/);
  });
});
