// Independent readers for the tests: node:fs + node:zlib (available on Node, Deno and Bun), not the
// package's own DecompressionStream path, so the loaders are checked against another decoder.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const dataUrl = (rel: string): URL => new URL(`../../data/${rel}`, import.meta.url);

export function rawFile(rel: string): Uint8Array {
  const b = readFileSync(dataUrl(rel));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function gunzippedFile(rel: string): Uint8Array {
  const b = gunzipSync(readFileSync(dataUrl(rel)));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A big-endian uint32 from four bytes, written out by hand. */
export function be32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) >>> 0) + (b[off + 1]! << 16) + (b[off + 2]! << 8) + b[off + 3]!;
}

/** An IDX byte array built by hand: magic 00 00 type ndim, dims (BE uint32), then data. */
export function idxBytes(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    const o = 4 + 4 * i;
    out[o] = (d >>> 24) & 0xff;
    out[o + 1] = (d >>> 16) & 0xff;
    out[o + 2] = (d >>> 8) & 0xff;
    out[o + 3] = d & 0xff;
  });
  out.set(Array.from(data), 4 + 4 * dims.length);
  return out;
}

/** Counts of each value 0..k-1, by a plain loop. */
export function countValues(values: ArrayLike<number>, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) c[values[i]!]!++;
  return c;
}

/** Runs fn and returns the message of the error it throws (rejects), checking it is a DatasetError. */
export async function errorOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error;
    if (err.name !== 'DatasetError') throw new Error(`expected a DatasetError, got ${err.name}: ${err.message}`);
    return err.message;
  }
  throw new Error('expected an error, none was thrown');
}

/**
 * The first index where two arrays differ (the shorter length if one is a prefix of the other), or
 * -1 if they are equal. For large arrays, where expect().toEqual is very slow under vitest.
 */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
