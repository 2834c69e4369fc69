import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteError, QatjsError, describeValue } from '../util/errors.ts';
import { normalizeAxis } from '../util/shape.ts';
import { fakeQuantizeComposed } from './fake-quantize-composed.ts';
import { FAKE_QUANTIZE, hasFakeQuantizeKernel, registerFakeQuantizeKernels } from './fake-quantize-kernels.ts';

registerFakeQuantizeKernels();

export interface FakeQuantizeOptions {
  /** Smallest integer code (e.g. -128). */
  readonly qmin: number;
  /** Largest integer code (e.g. 127). */
  readonly qmax: number;
  /** Per-channel axis of x; scale and zeroPoint are then 1-D of length x.shape[axis]. */
  readonly axis?: number;
}

/** Codes beyond 2^24 are not all representable in float32. */
const MAX_ABS_CODE = 2 ** 24;

export function isTensor(v: unknown): v is tf.Tensor {
  return v instanceof tf.Tensor;
}

function checkTensor(v: unknown, what: string): tf.Tensor {
  if (!isTensor(v)) throw new QatjsError(`fakeQuantize: ${what} must be a tf.Tensor, got ${describeValue(v)}`);
  if (v.isDisposed) throw new QatjsError(`fakeQuantize: ${what} is disposed`);
  if (v.dtype !== 'float32') throw new QatjsError(`fakeQuantize: ${what} must be float32, got ${v.dtype}`);
  return v;
}

function checkCode(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > MAX_ABS_CODE) {
    throw new QatjsError(`fakeQuantize: ${what} must be an integer in -2^24..2^24, got ${describeValue(v)}`);
  }
  return v;
}

/** Validates the arguments; returns the normalized axis (-1 per-tensor). Reads scale and zero point. */
function validate(x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor, options: FakeQuantizeOptions): number {
  if (options === null || typeof options !== 'object') {
    throw new QatjsError(`fakeQuantize: options must be an object { qmin, qmax, axis? }, got ${describeValue(options)}`);
  }
  const qmin = checkCode(options.qmin, 'qmin');
  const qmax = checkCode(options.qmax, 'qmax');
  if (qmin >= qmax) throw new QatjsError(`fakeQuantize: qmin (${qmin}) must be less than qmax (${qmax})`);
  let axis = -1;
  if (options.axis === undefined) {
    if (scale.size !== 1 || scale.rank > 1) {
      throw new QatjsError(`fakeQuantize: per-tensor scale must be a scalar, got shape [${scale.shape}] (pass axis for per-channel)`);
    }
  } else {
    axis = normalizeAxis(options.axis, x.rank, 'fakeQuantize');
    if (scale.rank !== 1 || scale.shape[0] !== x.shape[axis]) {
      throw new QatjsError(
        `fakeQuantize: per-channel scale must have shape [${x.shape[axis]}] (x.shape[${axis}]), got [${scale.shape}]`,
      );
    }
  }
  if (zeroPoint.rank !== scale.rank || zeroPoint.size !== scale.size) {
    throw new QatjsError(`fakeQuantize: zeroPoint shape [${zeroPoint.shape}] must equal scale shape [${scale.shape}]`);
  }
  const s = scale.dataSync();
  for (let c = 0; c < s.length; c++) {
    if (!(Number.isFinite(s[c]) && s[c] > 0)) {
      throw new QatjsError(`fakeQuantize: scale must be finite and > 0, got ${s[c]} at index ${c}`);
    }
  }
  const z = zeroPoint.dataSync();
  for (let c = 0; c < z.length; c++) {
    if (!Number.isFinite(z[c])) throw new QatjsError(`fakeQuantize: zeroPoint must be finite, got ${z[c]} at index ${c}`);
  }
  return axis;
}

function assertFiniteComposed(x: tf.Tensor): void {
  if (x.size === 0) return; // an empty tensor holds no NaN (and fakeQuantize's kernels return it)
  const ok = tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0]);
  if (!ok) throw new NonFiniteError('fakeQuantize: input contains NaN or Infinity');
}

/** The engine internals runFakeQuantizeKernel uses (public in tfjs's JavaScript, some not in its types). */
interface TapeEngine {
  state: { kernelDepth: number };
  isTapeOn(): boolean;
  keep<T extends tf.Tensor>(t: T): T;
  addTapeNode(kernelName: string, inputs: tf.NamedTensorMap, outputs: tf.Tensor[], gradFunc: undefined, saved: tf.Tensor[], attrs: tf.NamedAttrMap): void;
}

/**
 * Runs the fakeQuantize kernel. Under a gradient tape tfjs saves the inputs the gradient needs (x,
 * scale, zeroPoint) as clones, and on tfjs-backend-wasm a clone copies the data (its Identity
 * kernel): one copy of every fake-quantized activation per training step. Here the kernel runs with
 * the tape paused (kernelDepth, as tfjs pauses it inside a kernel) and its tape node is added with
 * the inputs saved as reshapes to their own shape, which share the data (Reshape increments the
 * data's reference count on wasm and cpu): no copy. tfjs disposes saved tensors after the backward
 * pass as usual, and the node calls the registered gradient with the same saved values, so the
 * gradients are bit-identical to the cloned path's.
 */
function runFakeQuantizeKernel(x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor, attrs: { qmin: number; qmax: number; axis: number }): tf.Tensor {
  const inputs = { x, scale, zeroPoint };
  const engine = tf.engine() as unknown as TapeEngine;
  if (!engine.isTapeOn()) return tf.engine().runKernel(FAKE_QUANTIZE, inputs, attrs) as tf.Tensor;
  let y: tf.Tensor;
  let saved: tf.Tensor[];
  engine.state.kernelDepth++;
  try {
    y = tf.engine().runKernel(FAKE_QUANTIZE, inputs, attrs) as tf.Tensor;
    saved = [x, scale, zeroPoint].map((t) => engine.keep(tf.reshape(t, t.shape)));
  } finally {
    engine.state.kernelDepth--;
  }
  engine.addTapeNode(FAKE_QUANTIZE, inputs, [y], undefined, saved, attrs);
  return y;
}

/**
 * Fake-quantizes x: ONNX QuantizeLinear then DequantizeLinear, in float32:
 * `q = clamp(roundHalfEven(x / scale) + zeroPoint, qmin, qmax); y = (q - zeroPoint) * scale`.
 *
 * `scale` and `zeroPoint` are float32 tensors: scalars per-tensor, 1-D of length x.shape[axis]
 * per-channel. The zero point may be learned (fractional); the forward rounds it half to even and
 * clamps it to [qmin, qmax].
 *
 * Gradients: x gets the clipped straight-through estimator (dy where the code was not clamped, else 0);
 * scale and zeroPoint get the LSQ / LSQ+ closed forms (docs/numerics.md), without any gradient scale.
 *
 * Throws a QatjsError for bad arguments, a NonFiniteError if x holds NaN or Infinity.
 *
 * @example
 * const y = fakeQuantize(x, tf.scalar(0.05), tf.scalar(0), { qmin: -128, qmax: 127 });
 * const w = fakeQuantize(kernel, scales, tf.zeros([16]), { qmin: -127, qmax: 127, axis: 3 });
 */
export function fakeQuantize(x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor, options: FakeQuantizeOptions): tf.Tensor {
  checkTensor(x, 'x');
  checkTensor(scale, 'scale');
  checkTensor(zeroPoint, 'zeroPoint');
  const axis = validate(x, scale, zeroPoint, options);
  const { qmin, qmax } = options;
  if (hasFakeQuantizeKernel(tf.getBackend())) return runFakeQuantizeKernel(x, scale, zeroPoint, { qmin, qmax, axis });
  assertFiniteComposed(x);
  return fakeQuantizeComposed(x, scale, zeroPoint, qmin, qmax, axis);
}

/**
 * The same op composed of tfjs ops, on any backend; for backends without our kernels and as an
 * independent implementation in tests. Validates like fakeQuantize.
 */
export function fakeQuantizeWithOps(x: tf.Tensor, scale: tf.Tensor, zeroPoint: tf.Tensor, options: FakeQuantizeOptions): tf.Tensor {
  checkTensor(x, 'x');
  checkTensor(scale, 'scale');
  checkTensor(zeroPoint, 'zeroPoint');
  const axis = validate(x, scale, zeroPoint, options);
  assertFiniteComposed(x);
  return fakeQuantizeComposed(x, scale, zeroPoint, options.qmin, options.qmax, axis);
}
