import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  QatjsError,
  atPoint,
  commonOptions,
  prepare,
  qrange,
  readOptions,
  registerQuantizer,
  roundSTE,
  specForPoint,
  unregisterQuantizer,
  type QParams,
  type QuantPoint,
  type QuantSpec,
  type QuantizeContext,
  type Quantizer,
  type QuantizerPlugin,
  type QuantizerState,
} from '@qatjs/core';
import { loadDigits, trainTestSplit, type TrainTestSplit } from '@qatjs/datasets';
import { Mlp, accuracy, trainClassifier } from '@qatjs/test-models';
import { useBackend } from '@qatjs/test-utils';

// A quantizer that lives only in this file: proof that a new quantizer needs no edit of core.
// A symmetric learned clip c: y = roundSTE(clamp(x, -c, c) / s) * s with s = c / qmax, every gradient
// by autograd (so, unlike PACT, c also learns through the step). c starts at max|x| of the first tensor.

class LearnedClip implements Quantizer {
  readonly quantizer = 'test-learned-clip';
  readonly clip = tf.variable(tf.scalar(1));
  readonly variables = [this.clip];
  /** (q * step), q an integer in [-qmax, qmax]: affine with zero point 0. */
  readonly affine = true;
  private started = false;
  private isFrozen = false;

  constructor(
    readonly point: QuantPoint,
    readonly spec: QuantSpec,
  ) {}

  get frozen(): boolean {
    return this.isFrozen;
  }

  apply(x: tf.Tensor, ctx: QuantizeContext): tf.Tensor {
    return atPoint(this.quantizer, this.point, () => {
      if (!this.started) {
        this.clip.assign(tf.tidy(() => tf.max(tf.abs(x))));
        this.started = true;
      }
      if (!ctx.fakeQuant) return x;
      const { qmax } = qrange(this.spec);
      return tf.tidy(() => {
        const step = tf.div(this.clip, qmax);
        // clamp(x, -c, c) from ops whose gradients reduce over broadcast axes (tf.minimum's does not)
        const clipped = tf.add(tf.sub(x, tf.relu(tf.sub(x, this.clip))), tf.relu(tf.sub(tf.neg(x), this.clip)));
        return tf.mul(roundSTE(tf.div(clipped, step)), step);
      });
    });
  }

  qparams(): QParams {
    const { qmin, qmax } = qrange(this.spec);
    return { scale: Float32Array.of(this.clip.dataSync()[0] / qmax), zeroPoint: Int32Array.of(0), qmin, qmax };
  }

  freeze(): void {
    this.isFrozen = true;
    this.clip.trainable = false;
  }

  state(): QuantizerState {
    return { quantizer: this.quantizer, frozen: this.isFrozen, data: { clip: this.clip.dataSync()[0], started: this.started } };
  }

  load(state: QuantizerState): void {
    if (typeof state.data.clip !== 'number') throw new QatjsError('test-learned-clip: bad state');
    this.clip.assign(tf.scalar(state.data.clip));
    this.started = state.data.started === true;
  }

  dispose(): void {
    this.clip.dispose();
  }
}

const learnedClip: QuantizerPlugin<ReturnType<typeof parse>> = {
  name: 'test-learned-clip',
  description: 'symmetric learned clip, defined in a test file',
  validate: (raw) => parse(raw),
  create: (options, point) => new LearnedClip(point, specForPoint("quantizer 'test-learned-clip'", options, point, true)),
};

function parse(raw: Readonly<Record<string, unknown>>) {
  const options = readOptions("quantizer 'test-learned-clip'", raw, commonOptions);
  if (options.perChannel) throw new QatjsError("quantizer 'test-learned-clip': per-tensor only");
  return options;
}

describe('a quantizer defined in a test file, trained through a recipe', () => {
  let data: TrainTestSplit;
  beforeAll(async () => {
    await useBackend('wasm');
    registerQuantizer(learnedClip);
    data = trainTestSplit(await loadDigits(), { testFraction: 0.25, seed: 1, stratify: true });
  });
  afterAll(() => {
    unregisterQuantizer('test-learned-clip');
  });

  it('prepares, trains its clip levels with the weights, and keeps the model accurate at W4A4', () => {
    const model = new Mlp([64, 32, 10], 4);
    trainClassifier(model, data.train, { steps: 300, batchSize: 64, learningRate: 1e-2, seed: 4 });
    const fp32Acc = accuracy(model, data.test);
    const report = prepare(model, {
      rules: [{ match: '*', weight: { quantizer: 'test-learned-clip', bits: 4 }, output: { quantizer: 'test-learned-clip', bits: 4 } }],
    });
    expect(report.points.map((p) => `${p.label}:${p.quantizer}`)).toEqual([
      'fc1/weight:test-learned-clip', 'fc1/output:test-learned-clip', 'fc2/weight:test-learned-clip', 'fc2/output:test-learned-clip',
    ]);
    const quantizers = model.namedQuantizers().map(([, q]) => q as LearnedClip);
    for (const q of quantizers) expect(model.trainableVariables()).toContain(q.clip);
    let initial: number[] = [];
    trainClassifier(model, data.train, {
      steps: 100, batchSize: 64, learningRate: 1e-3, seed: 5,
      onStep: (step) => {
        if (step === 0) initial = quantizers.map((q) => q.state().data.clip as number);
      },
    });
    const qatAcc = accuracy(model, data.test);
    // Measured (wasm; the same on Node, Bun and Deno): FP32 95.11%, W4A4 learned clip 93.78%.
    console.log(`digits MLP: FP32 ${fp32Acc.toFixed(2)}%, W4A4 with a test-defined learned clip ${qatAcc.toFixed(2)}%`);
    expect(qatAcc).toBeGreaterThan(fp32Acc - 5);
    quantizers.forEach((q, i) => expect(q.clip.dataSync()[0]).not.toBe(initial[i]));
    model.dispose();
  });
});
