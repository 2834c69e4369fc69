import * as tf from '@tensorflow/tfjs-core';
import type { Observer, ObserverState } from '../observers/observer.ts';
import { qparamsFromRange, type QParams } from '../observers/qparams.ts';
import { createObserver, type ObserverConfig } from '../observers/registry.ts';
import { fakeQuantize } from '../ops/fake-quantize.ts';
import type { QuantSpec } from '../spec/quant-spec.ts';
import { QatjsError } from '../util/errors.ts';
import { atPoint } from './at-point.ts';
import { powerOfTwoCeil } from './power-of-two.ts';
import type { QuantPoint, QuantizeContext } from './quant-point.ts';
import type { Quantizer, QuantizerState } from './quantizer.ts';

/**
 * A quantizer whose grid comes from an observer, as torch.ao's FakeQuantize: the building block of
 * @qatjs/quantizer-uniform (symmetric specs) and @qatjs/quantizer-asymmetric (affine specs).
 *
 * Weights use last-value statistics: each observation replaces the previous one, so the grid follows
 * the weights as they train. Activations accumulate across batches as the observer says (running
 * min/max, moving average, mean of percentiles...). A weight point never observed yet observes on
 * first use, even outside training; an activation point must be calibrated or trained first.
 *
 * With `powerOfTwoScale` (symmetric specs only) each scale is the observed one rounded up to a power
 * of two: the grid still spans the range, and the integer model's divisions by it are exact.
 */
export class ObservedQuantizer implements Quantizer {
  readonly variables: readonly tf.Variable[] = [];
  /** fakeQuantize with the observed scale and zero point: (q - zeroPoint) * scale, q in [qmin, qmax]. */
  readonly affine = true;
  private readonly observer: Observer;
  private cached: QParams | undefined;
  private isFrozen = false;
  /** Each scale rounded up to a power of two. */
  readonly powerOfTwoScale: boolean;

  constructor(
    readonly quantizer: string,
    readonly point: QuantPoint,
    readonly spec: QuantSpec,
    observer: ObserverConfig,
    options: { readonly powerOfTwoScale?: boolean } = {},
  ) {
    this.powerOfTwoScale = options.powerOfTwoScale === true;
    if (this.powerOfTwoScale && !spec.symmetric) {
      throw new QatjsError(`quantizer '${quantizer}' at '${point.label}': powerOfTwoScale needs a symmetric grid (zero point 0)`);
    }
    this.observer = createObserver(observer, { spec, label: point.label });
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  private get lastValue(): boolean {
    return this.point.role !== 'activation';
  }

  apply(x: tf.Tensor, ctx: QuantizeContext): tf.Tensor {
    return atPoint(this.quantizer, this.point, () => {
      if (!this.isFrozen && (ctx.observe || (this.lastValue && this.observer.count === 0))) {
        if (this.lastValue) this.observer.reset();
        this.observer.observe(x);
        this.cached = undefined;
      }
      if (!ctx.fakeQuant) return x;
      const p = this.qparams();
      return tf.tidy(() =>
        fakeQuantize(x, this.paramTensor(p.scale), this.paramTensor(Float32Array.from(p.zeroPoint)), {
          qmin: p.qmin,
          qmax: p.qmax,
          ...(p.axis === undefined ? {} : { axis: p.axis }),
        }),
      );
    });
  }

  private paramTensor(values: Float32Array): tf.Tensor {
    return this.spec.axis === undefined ? tf.scalar(values[0]) : tf.tensor1d(values);
  }

  qparams(): QParams {
    if (this.cached) return this.cached;
    if (this.observer.count === 0) {
      throw new QatjsError(
        `quantizer '${this.quantizer}' at '${this.point.label}' has no statistics yet: run calibrate(model, batches) or train a step first`,
      );
    }
    const p = qparamsFromRange(this.observer.range(), this.spec);
    this.cached = this.powerOfTwoScale ? { ...p, scale: p.scale.map(powerOfTwoCeil) } : p;
    return this.cached;
  }

  freeze(): void {
    this.isFrozen = true;
  }

  state(): QuantizerState {
    return { quantizer: this.quantizer, frozen: this.isFrozen, data: { observer: { ...this.observer.state() } } };
  }

  load(state: QuantizerState): void {
    atPoint(this.quantizer, this.point, () => {
      if (state === null || typeof state !== 'object' || state.quantizer !== this.quantizer) {
        throw new QatjsError(`state is for quantizer ${JSON.stringify((state as QuantizerState | null)?.quantizer)}, not '${this.quantizer}'`);
      }
      if (typeof state.frozen !== 'boolean' || state.data === null || typeof state.data !== 'object') {
        throw new QatjsError('malformed quantizer state (frozen must be a boolean, data an object)');
      }
      this.observer.load(state.data.observer as unknown as ObserverState);
      this.isFrozen = state.frozen;
      this.cached = undefined;
    });
  }

  dispose(): void {
    this.cached = undefined;
  }
}
