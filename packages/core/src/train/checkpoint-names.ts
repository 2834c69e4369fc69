// The files fit() keeps in a CheckpointStore for one run name (fit.ts): the last `keep` checkpoints,
// `<stem>.step-<9-digit step>.ckpt`, and `<stem>.good.ckpt`, the newest one a later step confirmed finite.
import { QatjsError, describeValue } from '../util/errors.ts';
import type { CheckpointStore } from './checkpoint-store.ts';

export const DEFAULT_CHECKPOINT_NAME = 'checkpoint';

/** The run name without a trailing ".ckpt" ("latest.ckpt" and "latest" name the same files). */
export function checkpointStem(name: string | undefined): string {
  const n = name ?? DEFAULT_CHECKPOINT_NAME;
  if (typeof n !== 'string' || !/^[\w-][\w.-]*$/.test(n)) {
    throw new QatjsError(`fit: checkpoint.name must be letters, digits, '_', '-', '.' (not starting with '.'), got ${describeValue(n)}`);
  }
  return n.replace(/\.ckpt$/, '');
}

export const stepFile = (stem: string, step: number) => `${stem}.step-${String(step).padStart(9, '0')}.ckpt`;
export const goodFile = (stem: string) => `${stem}.good.ckpt`;

export interface StoredCheckpoint {
  readonly name: string;
  readonly step: number;
}

/** The step checkpoints of one run in a store, oldest first. */
export async function listCheckpoints(store: CheckpointStore, name?: string): Promise<StoredCheckpoint[]> {
  if (store === null || typeof store !== 'object' || typeof store.list !== 'function') throw new QatjsError('listCheckpoints: store must be a CheckpointStore');
  const stem = checkpointStem(name);
  const out: StoredCheckpoint[] = [];
  for (const n of await store.list()) {
    if (!n.startsWith(`${stem}.step-`)) continue;
    const m = /^\.step-(\d{9})\.ckpt$/.exec(n.slice(stem.length));
    if (m) out.push({ name: n, step: Number(m[1]) });
  }
  return out.sort((a, b) => a.step - b.step);
}
