// Host-side statistics of a tensor, per tensor or per channel, shared by the observers.
import * as tf from '@tensorflow/tfjs-core';
import { hostMemory } from '../backend/backend-memory.ts';
import { heapOffset, simdKernelsFor } from '../backend/wasm-simd.ts';
import { NonFiniteError, QatjsError } from '../util/errors.ts';
import { splitAroundAxis } from '../util/shape.ts';

export interface ChannelData {
  readonly data: Float32Array;
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
}

function checkObservable(x: tf.Tensor, axis: number | undefined, label: string): void {
  if (x.dtype !== 'float32') throw new QatjsError(`observer at '${label}': expected a float32 tensor, got ${x.dtype}`);
  if (x.size === 0) throw new QatjsError(`observer at '${label}': cannot observe an empty tensor (shape [${x.shape}])`);
  if (axis !== undefined && axis >= x.rank) {
    throw new QatjsError(`observer at '${label}': channel axis ${axis} is out of range for shape [${x.shape}]`);
  }
}

function throwNonFinite(data: ArrayLike<number>, shape: readonly number[], label: string): never {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) throw new NonFiniteError(`observer at '${label}': input contains ${v} at flat index ${i} (shape [${shape}])`);
  }
  throw new NonFiniteError(`observer at '${label}': input contains a non-finite value (shape [${shape}])`);
}

/** Reads x on the host, checks it is finite, and describes its channel layout. */
export function readChannels(x: tf.Tensor, axis: number | undefined, label: string): ChannelData {
  checkObservable(x, axis, label);
  const data = x.dataSync() as Float32Array;
  let nan = 0;
  for (let i = 0; i < data.length; i++) nan += data[i] * 0; // NaN iff some element is NaN or infinite
  if (Number.isNaN(nan)) throwNonFinite(data, x.shape, label);
  if (axis === undefined) return { data, outer: 1, channels: 1, inner: data.length };
  const [outer, channels, inner] = splitAroundAxis(x.shape, axis);
  return { data, outer, channels, inner };
}

/**
 * Per-channel min and max, with a finiteness check. On wasm and cpu they are read in place (the wasm
 * heap or the cpu backend's array: no copy to the host, per-tensor on wasm by a SIMD kernel), and no
 * tfjs kernel runs, so inside a training step nothing is recorded on the gradient tape (a tf.min /
 * tf.max there saves copies of the weights for a backward pass nobody asks for). Other backends read
 * the tensor once (dataSync).
 */
export function tensorMinMax(x: tf.Tensor, axis: number | undefined, label: string): { min: Float64Array; max: Float64Array } {
  checkObservable(x, axis, label);
  const name = tf.getBackend();
  const simd = axis === undefined && name === 'wasm' ? simdKernelsFor(tf.backend()) : undefined;
  if (simd) {
    const [lo, hi, finite] = simd.minmax(heapOffset(tf.backend(), x), x.size);
    if (!finite) throwNonFinite(x.dataSync(), x.shape, label);
    return { min: Float64Array.of(lo), max: Float64Array.of(hi) };
  }
  const data = name === 'wasm' || name === 'cpu' ? hostMemory(name, tf.backend()).read(x) : (x.dataSync() as Float32Array);
  const [outer, channels, inner] = axis === undefined ? [1, 1, data.length] : splitAroundAxis(x.shape, axis);
  const min = new Float64Array(channels).fill(Infinity);
  const max = new Float64Array(channels).fill(-Infinity);
  let check = 0; // NaN iff some element is NaN or infinite
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let ch = 0; ch < channels; ch++) {
      let lo = min[ch];
      let hi = max[ch];
      for (let k = 0; k < inner; k++, i++) {
        const v = data[i];
        check += v * 0;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      min[ch] = lo;
      max[ch] = hi;
    }
  }
  if (Number.isNaN(check)) throwNonFinite(data, x.shape, label);
  return { min, max };
}

/** Per-channel min and max. */
export function channelMinMax(c: ChannelData): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(c.channels).fill(Infinity);
  const max = new Float64Array(c.channels).fill(-Infinity);
  let i = 0;
  for (let o = 0; o < c.outer; o++) {
    for (let ch = 0; ch < c.channels; ch++) {
      let lo = min[ch];
      let hi = max[ch];
      for (let k = 0; k < c.inner; k++, i++) {
        const v = c.data[i];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      min[ch] = lo;
      max[ch] = hi;
    }
  }
  return { min, max };
}

/** The values of one channel, copied into a new array (per-tensor: channel 0 is everything). */
export function channelValues(c: ChannelData, ch: number): Float32Array {
  if (c.channels === 1) return Float32Array.from(c.data);
  const out = new Float32Array(c.outer * c.inner);
  let j = 0;
  for (let o = 0; o < c.outer; o++) {
    const base = (o * c.channels + ch) * c.inner;
    for (let k = 0; k < c.inner; k++) out[j++] = c.data[base + k];
  }
  return out;
}

/** The k-th smallest element (0-based); reorders `a` in place (Hoare quickselect). */
export function selectKth(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** The p-th percentile (0..100) with linear interpolation between order statistics (numpy's default). */
export function percentileOf(values: Float32Array, p: number): number {
  const pos = (p / 100) * (values.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = selectKth(values, lo);
  if (hi === lo) return a;
  // After selecting lo, every element above index lo is >= a; the next order statistic is their min.
  let b = Infinity;
  for (let i = lo + 1; i < values.length; i++) if (values[i] < b) b = values[i];
  return a + (b - a) * (pos - lo);
}
