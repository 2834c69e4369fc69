import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConvertError, convert, getPreset, type Recipe, initBackend } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { decodeModel, encodeModel, runReference } from '@qatjs/ir';
import { lenet, residualCnn } from '@qatjs/adapter-cnn';
import { loadMnist, type MnistSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';
import { calibratedOn } from './helpers/mnist.ts';

let mnist: MnistSet;
const calibrated = (model: ReturnType<typeof lenet>, recipe: Recipe | string) => calibratedOn(model, recipe, mnist, 32);

describe('convert', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    await useBackend('wasm');
    mnist = await loadMnist({ split: 'test', limit: 64 });
  });

  it('lowers a calibrated LeNet-BN to a valid IntModel: folded int8 weights, int32 biases, clamps', async () => {
    const m = await calibrated(lenet({ seed: 1 }), 'w8a8');
    const ir = convert(m, { inputShape: [28, 28, 1] });
    expect(ir.nodes.map((n) => n.op)).toEqual(['quantize', 'conv2d', 'maxPool', 'conv2d', 'maxPool', 'flatten', 'gemm', 'gemm', 'dequantize']);
    expect(ir.constants.map((c) => `${c.name}:${c.dtype}[${c.shape}]`)).toEqual([
      'conv1.weight:int8[5,5,1,16]',
      'conv1.bias:int32[16]',
      'conv2.weight:int8[5,5,16,32]',
      'conv2.bias:int32[32]',
      'fc1.weight:int8[512,128]',
      'fc1.bias:int32[128]',
      'fc2.weight:int8[128,10]',
      'fc2.bias:int32[10]',
    ]);
    const relu = ir.nodes[1].attrs.clamp as number[];
    const outQuant = ir.values.find((v) => v.name === ir.nodes[1].outputs[0])?.quant;
    expect(relu[0]).toBe(Math.max(-128, outQuant?.zeroPoint[0] ?? NaN)); // ReLU: nothing below the code of 0
    const back = decodeModel(encodeModel(ir));
    expect(back.nodes).toEqual(ir.nodes);
    m.dispose();
  });

  it('packs 4-bit and 2-bit weights and shifts unsigned activation grids onto int8', async () => {
    const recipe: Recipe = {
      rules: [
        { match: '*', weight: { quantizer: 'uniform', bits: 4, perChannel: true }, output: { quantizer: 'uniform', bits: 4 } },
        { match: '@first', input: { quantizer: 'asymmetric', bits: 8, signed: false }, weight: { bits: 2 } },
      ],
    };
    const m = await calibrated(lenet({ seed: 2 }), recipe);
    const ir = convert(m, { inputShape: [28, 28, 1] });
    expect(ir.constants.filter((c) => c.name.endsWith('weight')).map((c) => c.dtype)).toEqual(['int2', 'int4', 'int4', 'int4']);
    const inputQ = ir.values.find((v) => v.name === ir.nodes[0].outputs[0])?.quant;
    const q = m.namedQuantizers().find(([l]) => l === 'conv1/input')?.[1].qparams();
    expect(inputQ?.zeroPoint[0]).toBe((q?.zeroPoint[0] ?? NaN) - 128); // [0, 255] -> [-128, 127]
    const reluOut = ir.values.find((v) => v.name === ir.nodes[1].outputs[0])?.quant;
    expect(reluOut?.bits).toBe(4);
    m.dispose();
  });

  it('converts the residual CNN: adds, a strided 1x1 shortcut and global pooling', async () => {
    const m = await calibrated(residualCnn({ seed: 3 }) as ReturnType<typeof lenet>, getPreset('w8a8'));
    const ir = convert(m, { inputShape: [28, 28, 1] });
    expect(ir.nodes.filter((n) => n.op === 'add')).toHaveLength(2);
    expect(ir.nodes.filter((n) => n.op === 'globalAvgPool')).toHaveLength(1);
    expect(ir.nodes.find((n) => n.name.startsWith('block2.shortcut'))?.attrs.strides).toEqual([2, 2]);
    m.dispose();
  });

  it('takes raw uint8 pixels as input when asked: the same logits as the float input', async () => {
    const m = await calibrated(lenet({ seed: 6 }), 'w8a8');
    const floatIr = convert(m, { inputShape: [28, 28, 1], floatOutput: false });
    const byteIr = convert(m, { inputShape: [28, 28, 1], floatOutput: false, input: { dtype: 'uint8', scale: 1 / 255 } });
    expect(byteIr.values.find((v) => v.name === 'input')?.dtype).toBe('uint8');
    const raw = mnist.raw?.subarray(0, 8 * 784) as Uint8Array;
    const a = runReference(floatIr, { input: Float32Array.from(raw, (p) => p / 255) })[floatIr.outputs[0]] as Int8Array;
    const b = runReference(byteIr, { input: raw })[byteIr.outputs[0]] as Int8Array;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThanOrEqual(1); // p / 255 and p * fround(1 / 255) can differ by an ulp at a tie
    expect(() => convert(m, { inputShape: [28, 28, 1], input: { dtype: 'uint8', scale: 0 } })).toThrow(/a uint8 input needs scale > 0/);
    m.dispose();
  });

  it('explains what keeps a model from converting', async () => {
    const plain = lenet({ seed: 4 });
    expect(() => convert(plain, { inputShape: [28, 28, 1] })).toThrow(/the model is not prepared/);
    const noOutputs = await calibrated(lenet({ seed: 4 }), { rules: [{ match: '*', weight: { quantizer: 'uniform', bits: 8 } }, { match: '@first', input: { quantizer: 'uniform', bits: 8 } }] });
    expect(() => convert(noOutputs, { inputShape: [28, 28, 1] })).toThrow(ConvertError);
    expect(() => convert(noOutputs, { inputShape: [28, 28, 1] })).toThrow(/convert: conv1: its 'output' point has no quantizer/);
    const asym = await calibrated(lenet({ seed: 4 }), { extends: 'w8a8', rules: [{ match: '*', weight: { quantizer: 'asymmetric', bits: 8 } }] } as never);
    // asymmetric weights convert: their zero points are stored with the codes (equivalence: convert-equivalence.test.ts)
    const asymIr = convert(asym, { inputShape: [28, 28, 1] });
    const weights = asymIr.constants.filter((c) => c.name.endsWith('weight'));
    expect(weights.length).toBe(4);
    expect(weights.filter((c) => c.quant?.zeroPoint.some((z) => z !== 0)).length).toBeGreaterThan(0);
    const noInput = await calibrated(lenet({ seed: 4 }), { rules: [{ match: '*', weight: { quantizer: 'uniform', bits: 8 }, output: { quantizer: 'uniform', bits: 8 } }] });
    expect(() => convert(noInput, { inputShape: [28, 28, 1] })).toThrow(/its input is float32, not the int8 output of a quantized layer, and it has no 'input' quantizer/);
    expect(() => convert(noInput, { inputShape: [28, 28] as never, floatOutput: true })).toThrow();
    expect(() => convert(noInput, { inputShape: 'x' as never })).toThrow(/inputShape must be the shape of one sample/);
    tf.dispose([plain, noOutputs, asym, noInput].flatMap((m) => m.namedParameters().map(([, v]) => v)));
  });
});
