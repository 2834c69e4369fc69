import { ModelBuilder, activationClamp, makeQuant, packCodes, type IntModel, type QuantParams } from '@qatjs/ir';
import { rng } from '@qatjs/test-utils';

// A small IntModel that uses every built-in IR op the exporter maps, with random codes: per-channel and
// per-tensor weights, asymmetric weight zero points, int4 weights, 4-bit activations, ReLU and ReLU6
// clamps, 'same' padding, a depthwise multiplier, float ops between dequantize and quantize.

function codes(n: number, lo: number, hi: number, seed: number): Int8Array {
  const r = rng(seed);
  return Int8Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

function bias(n: number, seed: number, quant: QuantParams) {
  const r = rng(seed);
  return { dtype: 'int32' as const, shape: [n], quant, data: Int32Array.from({ length: n }, () => Math.floor((r() - 0.5) * 400)) };
}

export function allOpsModel(): IntModel {
  const b = new ModelBuilder({ metadata: { producer: 'all-ops test model' } });
  const x = b.input('input', 'float32', [-1, 6, 6, 3]);
  const q8 = (s: number, z = 0, bits = 8) => makeQuant({ scale: s, zeroPoint: z, bits });
  const xq = q8(0.02, 3);
  const x8 = b.quantize(x, { name: 'stem.input', dtype: 'int8', quant: xq });
  // depthwise 3x3, multiplier 2, per-channel (axis 2) with zero points, 'same' pads, ReLU
  const dwQuant = makeQuant({ scale: [0.01, 0.02, 0.015], zeroPoint: [0, 1, -2], axis: 2 });
  const dw = b.constant({ name: 'stem.weight', dtype: 'int8', shape: [3, 3, 3, 2], quant: dwQuant, data: codes(54, -127, 127, 1) });
  const dwOut = q8(0.05, -10);
  const dwBias = b.constant({ name: 'stem.bias', ...bias(6, 2, { scale: Float32Array.from([0, 0, 1, 1, 2, 2], (c) => Math.fround(0.02 * dwQuant.scale[c])), zeroPoint: new Int32Array(6), bits: 32, axis: 0 }) });
  const h1 = b.depthwiseConv2d(x8, dw, { bias: dwBias, pads: [1, 1, 1, 1], clamp: activationClamp('relu', dwOut) }, { name: 'stem.output', dtype: 'int8', quant: dwOut });
  // avg pool 3x3 stride 1 'same' (padding left out of the count), to a 4-bit grid
  const apOut = q8(0.04, -3, 4);
  const h2 = b.avgPool(h1, { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, { name: 'pool.output', dtype: 'int8', quant: apOut });
  // conv 1x1 with int4 per-channel weights, ReLU6 on a 4-bit grid
  const cQuant = makeQuant({ scale: [0.05, 0.04, 0.06, 0.05, 0.03, 0.05], bits: 4, axis: 3 });
  const cw = b.constant({ name: 'block.conv.weight', dtype: 'int4', shape: [1, 1, 6, 6], quant: cQuant, data: packCodes('int4', codes(36, -8, 7, 3)) });
  const cOut = q8(0.3, -8, 4);
  const h3 = b.conv2d(h2, cw, { clamp: activationClamp('relu6', cOut) }, { name: 'block.conv.output', dtype: 'int8', quant: cOut });
  // residual add (8-bit output, ReLU) and a quantized mul by itself
  const addOut = q8(0.05, -20);
  const h4 = b.add(h3, h2, { clamp: activationClamp('relu', addOut) }, { name: 'block.add.output', dtype: 'int8', quant: addOut });
  const mulOut = q8(0.1, -100);
  const h5 = b.mul(h4, h4, {}, { name: 'block.mul.output', dtype: 'int8', quant: mulOut });
  // conv 3x3 stride 2, per-tensor asymmetric weights, grouped (3 groups)
  const gQuant = makeQuant({ scale: 0.02, zeroPoint: 5 });
  const gw = b.constant({ name: 'down.weight', dtype: 'int8', shape: [3, 3, 2, 6], quant: gQuant, data: codes(108, -128, 127, 4) });
  const gOut = q8(0.08, 2);
  const h6 = b.conv2d(h5, gw, { strides: [2, 2], pads: [0, 0, 1, 1], groups: 3 }, { name: 'down.output', dtype: 'int8', quant: gOut });
  const h7 = b.maxPool(h6, { kernel: [2, 2], strides: [1, 1], pads: [0, 0, 1, 1] }, { name: 'down.pool.output' });
  // float branch: dequantize, sigmoid, quantize, then global average pool and a dense layer
  const f = b.dequantize(h7, { name: 'act.dequantize' });
  const s = b.sigmoid(f, { name: 'act.sigmoid' });
  const h8 = b.quantize(s, { name: 'act.output', dtype: 'int8', quant: q8(1 / 255, -128) });
  const gp = b.globalAvgPool(h8, {}, { name: 'gap.output', dtype: 'int8', quant: q8(1 / 255, -128) });
  const dQuant = makeQuant({ scale: [0.01, 0.02, 0.03, 0.01], axis: 1 });
  const dw2 = b.constant({ name: 'fc.weight', dtype: 'int8', shape: [6, 4], quant: dQuant, data: codes(24, -127, 127, 5) });
  const dOut = q8(0.002, 1);
  const fc = b.gemm(gp, dw2, { bias: b.constant({ name: 'fc.bias', ...bias(4, 6, { scale: Float32Array.from(dQuant.scale, (v) => Math.fround(Math.fround(1 / 255) * v)), zeroPoint: new Int32Array(4), bits: 32, axis: 0 }) }) }, { name: 'fc.output', dtype: 'int8', quant: dOut });
  const r = b.reshape(fc, [-1, 2, 2], { name: 'head.reshape' });
  const mm = b.matmul(r, r, { transposeB: true }, { name: 'head.matmul', dtype: 'int8', quant: q8(0.00002) });
  const fl = b.flatten(mm, { name: 'head.flatten' });
  b.output(b.dequantize(fl, { name: 'output' }));
  return b.build();
}
