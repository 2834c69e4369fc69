// What every accuracy sweep shares: its row cache and checkpoint store (none in a smoke run), the
// QATJS_ACC_* environment lists that run a slice, and recording rows one by one as they finish.
import { fileCheckpointStore, type CheckpointStore } from '@qatjs/core';
import type { Row } from '../results.ts';
import { RowCache } from './row-cache.ts';

export interface Sweep {
  readonly cache: RowCache | undefined;
  readonly store: CheckpointStore | undefined;
  readonly rows: Row[];
  /** The cached row `id`, or make() it and cache it; logs its metric (`unit` after the value). */
  record(id: string, make: () => Promise<Row>, unit?: string): Promise<Row>;
}

export async function openSweep(name: string, smoke: boolean): Promise<Sweep> {
  const cache = smoke ? undefined : await RowCache.open(name);
  const store = cache ? fileCheckpointStore(cache.dir) : undefined;
  const rows: Row[] = [];
  return {
    cache,
    store,
    rows,
    async record(id, make, unit = '%') {
      const done = cache?.get(id);
      const row = done ?? (await make());
      if (!done) await cache?.put(id, row);
      rows.push(row);
      console.log(`  ${id}: ${(row.value as number).toFixed(unit === '%' ? 2 : 3)}${unit === '%' ? '%' : ` ${unit}`}`);
      return row;
    },
  };
}

/** The comma list in environment variable `name` (only entries of `all`), or `all`. */
export function envList(name: string, all: readonly string[]): string[] {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const v = env[name];
  return v ? v.split(',').map((s) => s.trim()).filter((s) => all.includes(s)) : [...all];
}
