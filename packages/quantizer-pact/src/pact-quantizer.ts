import * as tf from '@tensorflow/tfjs-core';
import {
  MIN_SCALE,
  NonFiniteError,
  QatjsError,
  atPoint,
  fakeQuantize,
  qrange,
  type QParams,
  type QuantPoint,
  type QuantSpec,
  type QuantizeContext,
  type Quantizer,
  type QuantizerState,
} from '@qatjs/core';
import type { PactOptions } from './options.ts';
import { pactClip } from './pact-clip.ts';

/** PACT for one activation point: a learned clipping level alpha, codes 0..2^bits - 1. */
export class PactQuantizer implements Quantizer {
  readonly quantizer = 'pact';
  readonly spec: QuantSpec;
  /** The learned clipping level. */
  readonly alpha: tf.Variable;
  readonly variables: readonly tf.Variable[];
  /**
   * Affine: the clip to [0, alpha] followed by fakeQuantize with step alpha / qmax and zero point 0
   * gives q * step, q an integer in [0, qmax] (the clip only shapes alpha's gradient).
   */
  readonly affine = true;
  private readonly qmax: number;
  private isFrozen = false;

  constructor(
    readonly point: QuantPoint,
    private readonly options: PactOptions,
  ) {
    this.spec = { bits: options.bits, signed: false, symmetric: true };
    this.qmax = qrange(this.spec).qmax;
    this.alpha = tf.tidy(() => tf.variable(tf.scalar(options.alpha))); // tidy frees the scalar, never a variable
    this.variables = [this.alpha];
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /**
   * alpha as the forward pass uses it: finite (else training diverged: stop, naming the point), and
   * at least qmax * MIN_SCALE so the step stays positive (an optimizer step may overshoot zero).
   */
  private currentAlpha(): number {
    const alpha = this.alpha.dataSync()[0];
    if (!Number.isFinite(alpha)) {
      throw new NonFiniteError(`the learned clipping level alpha is ${alpha}: training diverged (lower the learning rate)`);
    }
    const lowest = this.qmax * MIN_SCALE;
    if (alpha >= lowest) return alpha;
    this.alpha.assign(tf.scalar(lowest));
    return this.alpha.dataSync()[0];
  }

  apply(x: tf.Tensor, ctx: QuantizeContext): tf.Tensor {
    return atPoint(this.quantizer, this.point, () => {
      if (!ctx.fakeQuant) return x;
      // The step is a number computed from alpha's value, not a tensor connected to alpha:
      // alpha's only gradient is the clip's.
      const step = this.currentAlpha() / this.qmax;
      // the clip would map NaN to 0 and +Infinity to alpha: refuse them as fakeQuantize does
      if (x.size > 0 && !tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0])) throw new NonFiniteError('input contains NaN or Infinity');
      return tf.tidy(() => fakeQuantize(pactClip(x, this.alpha), tf.scalar(step), tf.scalar(0), { qmin: 0, qmax: this.qmax }));
    });
  }

  /** lambda * alpha^2 (PACT's L2 regularization of alpha); undefined without l2 or once frozen. */
  regularizationLoss(): tf.Scalar | undefined {
    if (this.options.l2 === 0 || this.isFrozen) return undefined;
    return tf.tidy(() => tf.mul(tf.square(this.alpha), this.options.l2) as tf.Scalar);
  }

  qparams(): QParams {
    const alpha = atPoint(this.quantizer, this.point, () => this.currentAlpha());
    return { scale: Float32Array.of(alpha / this.qmax), zeroPoint: Int32Array.of(0), qmin: 0, qmax: this.qmax };
  }

  /** Stops learning alpha: optimizers skip non-trainable variables. */
  freeze(): void {
    this.isFrozen = true;
    this.alpha.trainable = false;
  }

  state(): QuantizerState {
    const alpha = atPoint(this.quantizer, this.point, () => this.currentAlpha());
    return { quantizer: this.quantizer, frozen: this.isFrozen, data: { alpha } };
  }

  load(state: QuantizerState): void {
    atPoint(this.quantizer, this.point, () => {
      if (state?.quantizer !== this.quantizer || typeof state.frozen !== 'boolean') {
        throw new QatjsError(`not a 'pact' state: ${JSON.stringify(state)?.slice(0, 80)}`);
      }
      const alpha = state.data?.alpha;
      if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) {
        throw new QatjsError(`malformed 'pact' state: data.alpha must be a finite number > 0, got ${JSON.stringify(alpha)}`);
      }
      this.alpha.assign(tf.scalar(alpha));
      this.isFrozen = state.frozen;
      this.alpha.trainable = !state.frozen;
    });
  }

  dispose(): void {
    if (!this.alpha.isDisposed) this.alpha.dispose();
  }
}
