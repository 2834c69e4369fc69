import * as tf from '@tensorflow/tfjs-core';
import {
  NonFiniteError,
  QatjsError,
  QuantizerOptionError,
  atPoint,
  fakeQuantize,
  gradScale,
  powerOfTwoCeil,
  qrange,
  roundHalfEven,
  type JsonValue,
  type QParams,
  type QuantPoint,
  type QuantSpec,
  type QuantizeContext,
  type Quantizer,
  type QuantizerState,
} from '@qatjs/core';
import { elementsPerStep, gradFactor, positiveLevels } from './grad-factor.ts';
import { initialGrid } from './initial-grid.ts';
import type { GradScaleChoice, InitChoice } from './options.ts';

export interface LearnedStepSettings {
  /** The registered plugin name, used in every message ('lsq', 'lsq+'). */
  readonly quantizer: string;
  readonly point: QuantPoint;
  /** Symmetric for LSQ (zero point 0), affine for LSQ+ (learned zero point). */
  readonly spec: QuantSpec;
  readonly init: InitChoice;
  readonly gradScale: GradScaleChoice;
  readonly minStep: number;
  /** Symmetric grids: the forward pass and qparams() use each step rounded up to a power of two (straight-through gradient to the learned step). */
  readonly powerOfTwoScale?: boolean;
}

/**
 * The steps rounded up to powers of two in the forward pass (exactly the values qparams() reports);
 * the gradient passes straight through to the learned step, as for any rounding in QAT.
 */
function powerOfTwoStep(step: tf.Tensor, rounded: Float32Array): tf.Tensor {
  const op = tf.customGrad(((s: tf.Tensor) => ({ value: tf.tensor(rounded, s.shape), gradFunc: (dy: tf.Tensor) => dy })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(step);
}

/** The number of step sizes a point needs: 1, or its channel count along spec.axis. */
function channelCount(s: LearnedStepSettings): number {
  const axis = s.spec.axis;
  if (axis === undefined) return 1;
  const { point } = s;
  // Weights declare their full shape; activations the shape of one sample (no batch axis).
  const initialShape = () => (point.initialValue ? tf.tidy(() => point.initialValue?.().shape) : undefined); // tidy: it may be a new tensor
  const shape = point.role === 'activation' ? point.shape && [0, ...point.shape] : (point.shape ?? initialShape());
  const c = shape?.[axis];
  if (c === undefined || !Number.isInteger(c) || c < 1) {
    throw new QuantizerOptionError(
      `quantizer '${s.quantizer}' at '${point.label}': option 'perChannel' needs the point's shape to know how many step sizes to learn, and this point declares none`,
    );
  }
  return c;
}

const isNumberArray = (a: unknown, n: number): a is number[] => Array.isArray(a) && a.length === n && a.every((v) => typeof v === 'number' && Number.isFinite(v));

/**
 * A fake quantizer whose step size is a tf.Variable trained with the weights: LSQ (Esser et al. 2020)
 * on symmetric grids; with an affine spec also the zero point, LSQ+ (Bhalgat et al. 2020).
 *
 * Forward: core's fakeQuantize with the learned step (and the learned zero point, rounded half to even).
 * Backward: fakeQuantize's LSQ / LSQ+ closed forms, multiplied by the gradient scale g through gradScale.
 * The step is kept >= minStep by clamping the variable before each use (a projection after each
 * optimizer update), so the optimizer sees LSQ's gradient unchanged; see the README.
 */
export class LearnedStepQuantizer implements Quantizer {
  readonly quantizer: string;
  readonly point: QuantPoint;
  readonly spec: QuantSpec;
  /** The learned step sizes: a scalar per-tensor, [channels] per-channel. */
  readonly step: tf.Variable;
  /** LSQ+ only: the learned zero point (float; rounded half to even in the forward pass). */
  readonly zeroPoint: tf.Variable | undefined;
  readonly variables: readonly tf.Variable[];
  /** fakeQuantize with the learned step and the rounded learned zero point: an affine grid. */
  readonly affine = true;
  private readonly qmin: number;
  private readonly qmax: number;
  private readonly channels: number;
  private isInitialized = false;
  private isFrozen = false;

  constructor(private readonly settings: LearnedStepSettings) {
    this.quantizer = settings.quantizer;
    this.point = settings.point;
    this.spec = settings.spec;
    ({ qmin: this.qmin, qmax: this.qmax } = qrange(settings.spec));
    this.channels = channelCount(settings);
    if (settings.powerOfTwoScale && !settings.spec.symmetric) {
      throw new QuantizerOptionError(`quantizer '${settings.quantizer}' at '${settings.point.label}': powerOfTwoScale needs a symmetric grid (zero point 0)`);
    }
    const shape = settings.spec.axis === undefined ? [] : [this.channels];
    // tidy frees the initial values; it never disposes variables
    this.step = tf.tidy(() => tf.variable(tf.fill(shape, 1)));
    this.zeroPoint = settings.spec.symmetric ? undefined : tf.tidy(() => tf.variable(tf.zeros(shape)));
    this.variables = this.zeroPoint ? [this.step, this.zeroPoint] : [this.step];
    try {
      this.at(() => {
        const { point } = settings;
        if (settings.init.kind === 'step') this.initialize(undefined);
        else if (point.role !== 'activation' && point.initialValue) {
          const initialValue = point.initialValue;
          // tidy frees a tensor initialValue() makes (a BN-folded copy), never one the caller holds
          tf.tidy(() => this.initialize(initialValue()));
        }
      });
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /** True once the step size has been set from data (or a fixed init, or a loaded state). */
  get initialized(): boolean {
    return this.isInitialized;
  }

  private at<T>(fn: () => T): T {
    return atPoint(this.quantizer, this.point, fn);
  }

  private get qp(): number {
    return positiveLevels(this.spec, this.qmin, this.qmax);
  }

  /** Sets the first grid: the fixed `init` step, or the one fitted to x. */
  private initialize(x: tf.Tensor | undefined): void {
    const init = this.settings.init;
    if (init.kind === 'step') {
      this.assign(new Float32Array(this.channels).fill(init.step), new Float32Array(this.channels));
    } else {
      if (x === undefined) throw new QatjsError('no tensor to initialize the step size from');
      const grid = initialGrid(x, init, this.spec, this.qp, this.point.label);
      this.assign(grid.step, grid.zeroPoint);
    }
    this.isInitialized = true;
  }

  private assign(step: ArrayLike<number>, zeroPoint: ArrayLike<number> | undefined): void {
    const shape = this.step.shape;
    tf.tidy(() => {
      this.step.assign(tf.tensor(Float32Array.from(step), shape));
      if (this.zeroPoint && zeroPoint) this.zeroPoint.assign(tf.tensor(Float32Array.from(zeroPoint), shape));
    });
  }

  /**
   * The step sizes and zero points the forward pass uses: the variables' values after the checks
   * (finite) and the projection (step >= minStep, zero point within [qmin, qmax]).
   */
  private current(): { step: Float32Array; zeroPoint: Float32Array; projected: boolean } {
    if (this.step.isDisposed) throw new QatjsError('the quantizer was disposed');
    const raw = this.step.dataSync() as Float32Array;
    const rawZp = this.zeroPoint ? (this.zeroPoint.dataSync() as Float32Array) : new Float32Array(this.channels);
    const where = (c: number) => (this.channels > 1 ? ` (channel ${c})` : '');
    for (let c = 0; c < this.channels; c++) {
      if (!Number.isFinite(raw[c]) || !Number.isFinite(rawZp[c])) {
        const what = Number.isFinite(raw[c]) ? `zero point is ${rawZp[c]}` : `step size is ${raw[c]}`;
        throw new NonFiniteError(`the learned ${what}${where(c)}: training diverged (lower the learning rate, or check the loss for NaN)`);
      }
    }
    const step = raw.map((s) => Math.max(s, this.settings.minStep));
    const zeroPoint = rawZp.map((z) => Math.min(this.qmax, Math.max(this.qmin, z)));
    const projected = step.some((s, c) => s !== raw[c]) || zeroPoint.some((z, c) => z !== rawZp[c]);
    return { step, zeroPoint, projected };
  }

  apply(x: tf.Tensor, ctx: QuantizeContext): tf.Tensor {
    return this.at(() => {
      if (!(x instanceof tf.Tensor)) throw new QatjsError('apply: x must be a tf.Tensor');
      if (this.spec.axis !== undefined && x.shape[this.spec.axis] !== this.channels) {
        throw new QatjsError(`apply: expected ${this.channels} channels on axis ${this.spec.axis}, got a tensor of shape [${x.shape}]`);
      }
      if (!this.isInitialized) {
        if (this.isFrozen) throw new QatjsError('frozen before its step size was initialized');
        if (this.point.role === 'activation' && !ctx.observe) {
          throw new QatjsError('step size not initialized yet: it is set from the first training batch (train a step or run calibrate first)');
        }
        this.initialize(x);
      }
      if (!ctx.fakeQuant) return x;
      const p = this.current();
      if (p.projected) this.assign(p.step, this.zeroPoint ? p.zeroPoint : undefined);
      const g = gradFactor(this.settings.gradScale, elementsPerStep(x, this.point.role, this.channels), this.qp);
      return tf.tidy(() => {
        const zeroPoint = this.zeroPoint ? gradScale(this.zeroPoint, g) : tf.zeros(this.step.shape);
        const step = gradScale(this.step, g);
        return fakeQuantize(x, this.settings.powerOfTwoScale ? powerOfTwoStep(step, p.step.map(powerOfTwoCeil)) : step, zeroPoint, {
          qmin: this.qmin,
          qmax: this.qmax,
          ...(this.spec.axis === undefined ? {} : { axis: this.spec.axis }),
        });
      });
    });
  }

  qparams(): QParams {
    return this.at(() => {
      if (!this.isInitialized) throw new QatjsError('has no step size yet: train a step or run calibrate first');
      const p = this.current();
      return {
        scale: this.settings.powerOfTwoScale ? p.step.map(powerOfTwoCeil) : p.step,
        zeroPoint: Int32Array.from(p.zeroPoint, (z) => roundHalfEven(z)),
        qmin: this.qmin,
        qmax: this.qmax,
        ...(this.spec.axis === undefined ? {} : { axis: this.spec.axis }),
      };
    });
  }

  /** Stops learning: the variables become non-trainable (optimizers skip them) and no initialization happens. */
  freeze(): void {
    this.isFrozen = true;
    for (const v of this.variables) v.trainable = false;
  }

  state(): QuantizerState {
    return this.at(() => {
      this.current(); // refuses to checkpoint a NaN step
      const data: Record<string, JsonValue> = { initialized: this.isInitialized, step: Array.from(this.step.dataSync()) };
      if (this.zeroPoint) data.zeroPoint = Array.from(this.zeroPoint.dataSync());
      return { quantizer: this.quantizer, frozen: this.isFrozen, data };
    });
  }

  load(state: QuantizerState): void {
    this.at(() => {
      if (state === null || typeof state !== 'object' || state.quantizer !== this.quantizer) {
        throw new QatjsError(`state is for quantizer ${JSON.stringify((state as QuantizerState | null)?.quantizer)}, not '${this.quantizer}'`);
      }
      const d = state.data;
      const n = this.channels;
      if (typeof state.frozen !== 'boolean' || d === null || typeof d !== 'object' || typeof d.initialized !== 'boolean') {
        throw new QatjsError('malformed quantizer state (frozen and data.initialized must be booleans)');
      }
      if (!isNumberArray(d.step, n) || (d.initialized && d.step.some((s) => s <= 0))) {
        throw new QatjsError(`malformed quantizer state: data.step must hold ${n} finite step size(s) > 0`);
      }
      if (this.zeroPoint && !isNumberArray(d.zeroPoint, n)) throw new QatjsError(`malformed quantizer state: data.zeroPoint must hold ${n} finite number(s)`);
      this.assign(d.step, d.zeroPoint as number[] | undefined);
      this.isInitialized = d.initialized;
      this.isFrozen = state.frozen;
      for (const v of this.variables) v.trainable = !state.frozen;
    });
  }

  dispose(): void {
    for (const v of this.variables) if (!v.isDisposed) v.dispose();
  }
}
