// The MNIST CNNs the deployment benchmarks (e2e, size) share: the float model, and the same model
// prepared with a preset recipe, calibrated on real images and converted to an IntModel.
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, convert, getPreset, prepare, type Module } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { lenet, residualCnn } from '@qatjs/adapter-cnn';
import { batches, type LabeledSet } from '@qatjs/datasets';
import type { IntModel } from '@qatjs/ir';

export const CNN_MODELS: Record<string, () => Module> = {
  'lenet-bn': () => lenet({ seed: 1 }),
  'residual-cnn': () => residualCnn({ seed: 1 }),
};

/** Preset recipe per weight format: all layers at that width. */
export const INT_FORMATS = { int8: 'w8a8', int4: 'w4a4' } as const;

/** `make()` prepared with `preset`, calibrated on 4 batches of `images`, in eval mode, converted. */
export async function convertedModel(make: () => Module, preset: string, images: LabeledSet): Promise<IntModel> {
  const m = make();
  prepare(m, getPreset(preset), { onWarning: () => {} });
  const calib = [...batches(images, { batchSize: 64 })].slice(0, 4).map((b) => tf.tensor(b.x, b.shape));
  await calibrate(m, calib);
  tf.dispose(calib);
  m.eval();
  const ir = convert(m, { inputShape: [28, 28, 1] });
  m.dispose();
  return ir;
}
