// How a split call is cut into chunks that the threads claim one at a time (pool.ts): large first,
// smaller towards the end (guided scheduling), so the threads finish close together however late
// one of them starts or however slow it runs, without many tiny calls.
import { MAX_CHUNKS } from './protocol.ts';

/**
 * Boundaries 0 = b0 < b1 < ... < b_last = total for `threads` claiming threads: each chunk takes
 * 1 / (2 * threads) of what is left, at least 1 / (16 * threads) of the whole (and one unit); inner
 * boundaries are multiples of `unit`, the remainder goes to the last chunk. At most MAX_CHUNKS chunks.
 */
export function chunkBoundaries(total: number, unit: number, threads: number): number[] {
  const units = Math.floor(total / unit);
  if (units < 2 || threads < 2) return [0, total];
  const least = Math.max(1, Math.ceil(units / (16 * threads)), Math.ceil(units / MAX_CHUNKS));
  const out = [0];
  for (let done = 0; done < units; ) {
    done += Math.min(units - done, Math.max(least, Math.ceil((units - done) / (2 * threads))));
    out.push(done * unit);
  }
  out[out.length - 1] = total;
  return out;
}
