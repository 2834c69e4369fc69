// The MNIST setup of the convert and int-runtime tests: the wasm backend and the images, and a model
// prepared and calibrated (PTQ) on the first two batches of a set.
import * as tf from '@tensorflow/tfjs-core';
import { calibrate, initBackend, prepare, type Module, type Recipe } from '@qatjs/core';
import { batches, loadMnist, type MnistSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';

/** The wasm backend (core's and the test utilities'), and the first `limits.train` training and `limits.test` test images. */
export async function mnistOnWasm(limits: { readonly train: number; readonly test: number }): Promise<{ train: MnistSet; test: MnistSet }> {
  await initBackend('wasm');
  await useBackend('wasm');
  return { train: await loadMnist({ split: 'train', limit: limits.train }), test: await loadMnist({ split: 'test', limit: limits.test }) };
}

/** prepare(model, recipe), then calibrate on the first two batches of `batchSize` images of `set`. */
export async function calibratedOn<M extends Module>(model: M, recipe: Recipe | string, set: MnistSet, batchSize: number): Promise<M> {
  prepare(model, recipe, { onWarning: () => {} });
  const calib = [...batches(set, { batchSize })].slice(0, 2).map((b) => tf.tensor(b.x, b.shape));
  await calibrate(model, calib);
  tf.dispose(calib);
  return model;
}
