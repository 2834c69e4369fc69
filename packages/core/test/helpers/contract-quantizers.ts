// Quantizers written in the tests, through core's public API, to try convert()'s contract checks
// (docs/guides/writing-a-quantizer.md): one that is not affine, one whose grid is narrower than its
// spec's, one that says it is affine but rounds down. Each takes its step from the first tensor it sees.
import * as tf from '@tensorflow/tfjs-core';
import { QatjsError, atPoint, fakeQuantize, type QParams, type QuantPoint, type QuantSpec, type QuantizeContext, type Quantizer, type QuantizerPlugin, type QuantizerState } from '@qatjs/core';

type Forward = (x: tf.Tensor, step: number) => tf.Tensor;

export class SmallQuantizer implements Quantizer {
  readonly variables: readonly tf.Variable[] = [];
  /** How often qparams() was asked. */
  qparamsCalls = 0;
  readonly spec: QuantSpec = { bits: 2, signed: true, symmetric: true };
  private step: number | undefined;

  constructor(
    readonly quantizer: string,
    readonly point: QuantPoint,
    readonly affine: boolean,
    private readonly grid: { qmin: number; qmax: number } | undefined,
    private readonly stepOf: (x: tf.Tensor) => number,
    private readonly forward: Forward,
  ) {}

  get frozen(): boolean {
    return this.step !== undefined;
  }

  apply(x: tf.Tensor, ctx: QuantizeContext): tf.Tensor {
    return atPoint(this.quantizer, this.point, () => {
      this.step ??= this.stepOf(x);
      return ctx.fakeQuant ? tf.tidy(() => this.forward(x, this.step as number)) : x;
    });
  }

  qparams(): QParams {
    this.qparamsCalls++;
    if (!this.grid) throw new QatjsError(`quantizer '${this.quantizer}' at '${this.point.label}' has no affine grid`);
    if (this.step === undefined) throw new QatjsError(`quantizer '${this.quantizer}' at '${this.point.label}' has not seen data yet`);
    return { scale: Float32Array.of(this.step), zeroPoint: Int32Array.of(0), ...this.grid };
  }

  freeze(): void {}
  state(): QuantizerState {
    return { quantizer: this.quantizer, frozen: true, data: { step: this.step ?? null } };
  }
  load(): void {}
  dispose(): void {}
}

const meanAbs = (x: tf.Tensor): number => tf.tidy(() => tf.mean(tf.abs(x)).dataSync()[0]);
const maxAbs = (x: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(x)).dataSync()[0]);

/** y with y's forward value and x's gradient (the straight-through estimator). */
const straightThrough = (x: tf.Tensor, value: (x: tf.Tensor) => tf.Tensor): tf.Tensor =>
  tf.customGrad((...args) => ({ value: value(args[0] as tf.Tensor), gradFunc: (dy: tf.Tensor) => dy }))(x);

/**
 * A 4-level log quantizer: levels {-2s, -s, s, 2s} (signs times powers of two), |x| rounded in the log
 * domain. Not affine: its levels are not (q - zeroPoint) * s for integer q; qparams() throws.
 */
export const log4: QuantizerPlugin<Record<string, never>> = {
  name: 'test-log4',
  description: '4-level log quantizer, not affine (a test)',
  validate: () => ({}),
  create: (_o, point) =>
    new SmallQuantizer('test-log4', point, false, undefined, meanAbs, (x, s) =>
      straightThrough(x, (t) => {
        const sign = tf.where(tf.greaterEqual(t, 0), tf.onesLike(t), tf.neg(tf.onesLike(t)));
        const level = tf.where(tf.greaterEqual(tf.abs(t), Math.SQRT2 * s), tf.fill(t.shape, 2 * s), tf.fill(t.shape, s));
        return tf.mul(sign, level);
      }),
    ),
};

/** Codes -1, 0, 1 on a 2-bit signed spec (whose grid is [-2, 1]): affine, qparams() says [-1, 1]. */
export const ternary: QuantizerPlugin<Record<string, never>> = {
  name: 'test-ternary',
  description: '3-level quantizer on a 2-bit spec (a test)',
  validate: () => ({}),
  create: (_o, point) =>
    new SmallQuantizer('test-ternary', point, true, { qmin: -1, qmax: 1 }, maxAbs, (x, s) => fakeQuantize(x, tf.scalar(s), tf.scalar(0), { qmin: -1, qmax: 1 })),
};

/** Says it is affine on [-2, 1] but rounds down (floor), not half to even as qparams() implies. */
export const floorRounding: QuantizerPlugin<Record<string, never>> = {
  name: 'test-floor',
  description: 'affine grid, but floor rounding (a test)',
  validate: () => ({}),
  create: (_o, point) =>
    new SmallQuantizer('test-floor', point, true, { qmin: -2, qmax: 1 }, (x) => maxAbs(x) / 2, (x, s) =>
      straightThrough(x, (t) => tf.mul(tf.clipByValue(tf.floor(tf.div(t, s)), -2, 1), s)),
    ),
};
