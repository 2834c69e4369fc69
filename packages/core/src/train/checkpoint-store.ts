import { QatjsError } from '../util/errors.ts';

/**
 * Where fit() keeps checkpoints. Writes must be atomic: a reader sees the old file or the new one,
 * never half of one.
 */
export interface CheckpointStore {
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** undefined when there is no such checkpoint. */
  read(name: string): Promise<Uint8Array | undefined>;
  list(): Promise<string[]>;
  remove(name: string): Promise<void>;
}

const NAME = /^[\w.-]+$/;
const FS_MODULE: string = 'node:fs/promises';

/** The part of node:fs/promises this store uses (Node, Deno and Bun all provide it). */
interface FsPromises {
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  readdir(path: string): Promise<string[]>;
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name) || name.startsWith('.')) {
    throw new QatjsError(`checkpoint name ${JSON.stringify(name)} must be letters, digits, '_', '-', '.' and not start with '.'`);
  }
}

/** Keeps checkpoints in memory (tests, browsers). */
export function memoryCheckpointStore(): CheckpointStore {
  const files = new Map<string, Uint8Array>();
  return {
    async write(name, bytes) {
      checkName(name);
      files.set(name, Uint8Array.from(bytes));
    },
    async read(name) {
      checkName(name);
      const b = files.get(name);
      return b && Uint8Array.from(b);
    },
    async list() {
      return [...files.keys()].sort();
    },
    async remove(name) {
      files.delete(name);
    },
  };
}

/**
 * Keeps checkpoints as files in `dir` (created if missing), written to a temporary file and renamed
 * into place, so a crash mid-write leaves the previous checkpoint intact. Uses node:fs, which Node,
 * Deno and Bun all provide; it is loaded only when this store is used.
 */
export function fileCheckpointStore(dir: string): CheckpointStore {
  if (typeof dir !== 'string' || dir === '') throw new QatjsError('fileCheckpointStore: dir must be a folder path');
  // A computed specifier keeps Node's types out of core's build: this is the only file-system access.
  const fs = import(FS_MODULE) as Promise<FsPromises>;
  const path = (name: string) => `${dir.replace(/\/+$/, '')}/${name}`;
  let made: Promise<unknown> | undefined;
  return {
    async write(name, bytes) {
      checkName(name);
      const f = await fs;
      await (made ??= f.mkdir(dir, { recursive: true }));
      const tmp = `${path(name)}.tmp-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
      try {
        await f.writeFile(tmp, bytes);
        await f.rename(tmp, path(name));
      } catch (e) {
        await f.rm(tmp, { force: true });
        throw e;
      }
    },
    async read(name) {
      checkName(name);
      try {
        return new Uint8Array(await (await fs).readFile(path(name)));
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async list() {
      try {
        return (await (await fs).readdir(dir)).filter((n) => NAME.test(n) && !n.includes('.tmp-')).sort();
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return [];
        throw e;
      }
    },
    async remove(name) {
      checkName(name);
      await (await fs).rm(path(name), { force: true });
    },
  };
}
