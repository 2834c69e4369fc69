import { describeValue } from '@qatjs/core';
import { LayerError } from '@qatjs/layers';

/** A batch of token windows: y is x shifted by one position; both [B, T] row-major (the shape of @qatjs/datasets' CharCorpus batches). */
export interface TokenBatch {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly shape: readonly [number, number];
}

/** Throws unless `b` is a TokenBatch whose arrays hold B * T ids. */
export function checkTokenBatch(b: unknown, where: string): TokenBatch {
  const o = b as Partial<TokenBatch> | null;
  const shape = o?.shape;
  if (!o || !(o.x instanceof Int32Array) || !(o.y instanceof Int32Array) || !Array.isArray(shape) || shape.length !== 2) {
    throw new LayerError(`${where}: a batch must be { x: Int32Array, y: Int32Array, shape: [B, T] }, got ${describeValue(b)}`);
  }
  const n = shape[0] * shape[1];
  if (!(n > 0) || o.x.length !== n || o.y.length !== n) throw new LayerError(`${where}: a batch of shape [${shape}] needs ${n} ids in x and y, got ${o.x.length} and ${o.y.length}`);
  return o as TokenBatch;
}
