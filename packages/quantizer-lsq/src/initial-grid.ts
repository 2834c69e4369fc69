// The first step size (and zero point) of a learned quantizer, from the first tensor it sees.
import * as tf from '@tensorflow/tfjs-core';
import { MIN_SCALE, NonFiniteError, QatjsError, createObserver, qparamsFromRange, type QuantSpec } from '@qatjs/core';
import type { InitChoice } from './options.ts';

export interface InitialGrid {
  /** One step size per channel (length 1 per-tensor). */
  readonly step: Float32Array;
  /** One zero point per channel (integers; 0 on symmetric grids). */
  readonly zeroPoint: Float32Array;
}

/** mean(|x|) per channel along `axis` (one value when axis is undefined). */
function meanAbs(x: tf.Tensor, axis: number | undefined): Float32Array {
  return tf.tidy(() => {
    const a = tf.abs(x);
    const axes = [...Array(x.rank).keys()].filter((d) => d !== axis);
    return (axis === undefined ? tf.mean(a) : tf.mean(a, axes)).dataSync() as Float32Array;
  });
}

/** LSQ: s0 = 2 * mean(|x|) / sqrt(Qp). */
function lsqSteps(x: tf.Tensor, axis: number | undefined, qp: number): { perChannel: Float32Array; tensorWide: number } {
  const k = 2 / Math.sqrt(qp);
  const perChannel = meanAbs(x, axis).map((m) => m * k);
  return { perChannel, tensorWide: axis === undefined ? perChannel[0] : meanAbs(x, undefined)[0] * k };
}

/** The grid a core observer fits to x (its range through qparamsFromRange). */
function observerGrid(x: tf.Tensor, choice: Extract<InitChoice, { kind: 'observer' }>, spec: QuantSpec, label: string) {
  const observer = createObserver(choice.observer, { spec, label });
  observer.observe(x);
  return qparamsFromRange(observer.range(), spec);
}

/**
 * The first grid from `x`. A channel that gives no usable step (all zeros, e.g. a ReLU unit dead on
 * the first batch) takes the tensor-wide step; if the whole tensor gives none, this throws, naming
 * the remedy (a fixed `init` step).
 */
export function initialGrid(x: tf.Tensor, choice: Exclude<InitChoice, { kind: 'step' }>, spec: QuantSpec, qp: number, label: string): InitialGrid {
  const channels = spec.axis === undefined ? 1 : x.shape[spec.axis];
  if (!tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0])) {
    throw new NonFiniteError('cannot initialize the step size: the first tensor contains NaN or Infinity');
  }
  let step: Float32Array;
  let zeroPoint: Float32Array;
  let tensorWide: { step: number; zeroPoint: number };
  if (choice.kind === 'lsq') {
    const s = lsqSteps(x, spec.axis, qp);
    step = s.perChannel;
    zeroPoint = new Float32Array(channels);
    tensorWide = { step: s.tensorWide, zeroPoint: 0 };
  } else {
    const g = observerGrid(x, choice, spec, label);
    step = Float32Array.from(g.scale);
    zeroPoint = Float32Array.from(g.zeroPoint);
    const whole = spec.axis === undefined ? g : observerGrid(x, choice, { ...spec, axis: undefined }, label);
    tensorWide = { step: whole.scale[0], zeroPoint: whole.zeroPoint[0] };
  }
  const usable = (s: number) => Number.isFinite(s) && s > MIN_SCALE;
  if (!usable(tensorWide.step)) {
    const how = choice.kind === 'lsq' ? '2 * mean(|x|) / sqrt(Qp)' : `observer '${choice.observer.name}'`;
    throw new QatjsError(
      `cannot initialize the step size: ${how} gives ${tensorWide.step} on the first tensor ([${x.shape}], ` +
        `${Number.isFinite(tensorWide.step) ? 'all zeros or constant' : 'values too large'}); set option 'init' to a fixed step size`,
    );
  }
  for (let c = 0; c < channels; c++) {
    if (!usable(step[c])) {
      step[c] = tensorWide.step;
      zeroPoint[c] = tensorWide.zeroPoint;
    }
  }
  return { step, zeroPoint };
}
