import { DatasetError, describeValue } from './errors.ts';

/**
 * How integer samples become floats: `true` scales to [0, 1] (v / max), `false` keeps the integer
 * values, `{ mean, std }` standardizes after scaling: (v / max - mean) / std (MNIST's usual
 * statistics are mean 0.1307, std 0.3081).
 */
export type Normalize = boolean | { mean: number; std: number };

function byteToNumber(max: number, normalize: Normalize, who: string): (v: number) => number {
  if (normalize === true) return (v) => v / max;
  if (normalize === false) return (v) => v;
  if (normalize !== null && typeof normalize === 'object') {
    const { mean, std } = normalize;
    if (typeof mean !== 'number' || !Number.isFinite(mean) || typeof std !== 'number' || !Number.isFinite(std) || std <= 0) {
      throw new DatasetError(`${who}: normalize must be { mean, std } with finite numbers and std > 0`);
    }
    return (v) => (v / max - mean) / std;
  }
  throw new DatasetError(`${who}: normalize must be true, false or { mean, std }, got ${describeValue(normalize)}`);
}

/** The bytes as float32, mapped as `normalize` says; `max` is the largest possible raw value. */
export function toFloat(raw: Uint8Array, max: number, normalize: Normalize, who: string): Float32Array {
  // A table of the 256 possible results: fast, and equal bytes always give the same float.
  const f = byteToNumber(max, normalize, who);
  const table = Float32Array.from({ length: 256 }, (_, v) => f(v));
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = table[raw[i]!]!;
  return out;
}
