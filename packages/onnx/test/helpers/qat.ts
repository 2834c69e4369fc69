import * as tf from '@tensorflow/tfjs-core';
import { calibrate, fit, prepare, type Module, type Recipe } from '@qatjs/core';
import { batches, type MnistSet } from '@qatjs/datasets';
import { compareLogits } from '@qatjs/test-models';
import type { IntModel } from '@qatjs/ir';

const fitOptions = (train: MnistSet) => ({
  epochs: 1,
  batches: (e: number) => batches(train, { batchSize: 32, seed: 2, epoch: e, dropLast: true }),
  optimizer: { kind: 'adam' as const },
  learningRate: 2e-3,
});

/** A model trained briefly in float on MNIST (80 steps of 32 images). */
export async function trainedFloat(model: Module, train: MnistSet): Promise<Module> {
  await fit(model, { ...fitOptions(train), maxSteps: 80 });
  return model;
}

/** A float-trained model prepared with `recipe`, calibrated on 128 images and QAT-trained for 20 steps. */
export async function quantized(model: Module, recipe: Recipe, train: MnistSet): Promise<Module> {
  prepare(model, recipe, { onWarning: () => {} });
  const calib = [...batches(train, { batchSize: 64 })].slice(0, 2).map((b) => tf.tensor(b.x, b.shape));
  await calibrate(model, calib);
  tf.dispose(calib);
  await fit(model, { ...fitOptions(train), learningRate: 2e-4, maxSteps: 20 });
  return model;
}

/** A float-trained model prepared with `recipe`, its quantizers initialized by one training-mode forward pass on 64 images (no calibrate or fit). */
export function initialized(model: Module, recipe: Recipe, train: MnistSet): Module {
  prepare(model, recipe, { onWarning: () => {} });
  model.train();
  tf.tidy(() => model.forward(tf.tensor(train.x.subarray(0, 64 * 784), [64, 28, 28, 1])));
  model.eval();
  return model;
}

/** trainedFloat, then quantized: a briefly QAT-trained model. */
export async function trainedQat(model: Module, recipe: Recipe, train: MnistSet): Promise<Module> {
  return quantized(await trainedFloat(model, train), recipe, train);
}

/** The fake-quant model's logits on `images` test images (eval mode), in chunks. */
export function fakeQuantLogits(model: Module, test: MnistSet, images: number): Float32Array {
  model.eval();
  const out = new Float32Array(images * 10);
  for (let start = 0; start < images; start += 500) {
    const n = Math.min(500, images - start);
    const x = test.x.subarray(start * 784, (start + n) * 784);
    out.set(tf.tidy(() => (model.forward(tf.tensor(x, [n, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array), start * 10);
  }
  model.train();
  return out;
}

/** The scale and zero point of the IR's graph output (the dequantized int8 logits). */
export function outputGrid(ir: IntModel): { scale: number; zeroPoint: number } {
  const deq = ir.nodes.find((n) => n.outputs[0] === ir.outputs[0]);
  const q = ir.values.find((v) => v.name === deq?.inputs[0])?.quant;
  if (!q) throw new Error('the IR output must be the dequantized int8 logits');
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] };
}

export interface Agreement {
  /** Share of images with the same argmax (a tie in the first logits counts as agreement). */
  readonly argmax: number;
  /** The largest logit difference in output quanta. */
  readonly quanta: number;
  /** Top-1 accuracy of the second logits, in percent. */
  readonly accuracy: number;
}

/** Compares float logits `a` (the fake-quant model, or another runtime) with `b`, both on the output grid. */
export function agreement(a: Float32Array, b: Float32Array, grid: { scale: number; zeroPoint: number }, labels: ArrayLike<number>): Agreement {
  const codes = Float32Array.from(b, (v) => v / grid.scale + grid.zeroPoint);
  const cmp = compareLogits(a, codes, 10, grid.scale, grid.zeroPoint);
  let correct = 0;
  for (let i = 0; i < cmp.codeArgmax.length; i++) if (cmp.codeArgmax[i] === labels[i]) correct++;
  return { argmax: cmp.sameArgmax / cmp.codeArgmax.length, quanta: cmp.worstQuanta, accuracy: (100 * correct) / cmp.codeArgmax.length };
}

/** One line for the test log: the numbers the guide quotes. */
export function report(what: string, r: Agreement): string {
  return `${what}: argmax agreement ${(100 * r.argmax).toFixed(2)}%, largest logit difference ${r.quanta.toFixed(3)} output quanta, accuracy ${r.accuracy.toFixed(2)}%`;
}
