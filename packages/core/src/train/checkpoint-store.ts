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

/** The part of a node:fs/promises FileHandle this store uses. */
interface FileHandle {
  writeFile(data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The part of node:fs/promises this store uses (Node, Deno and Bun all provide it). */
interface FsPromises {
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  open(path: string, flags: string): Promise<FileHandle>;
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

const TMP = '.tmp-';

/** Writes `bytes` to a new file and flushes it to the disk before returning. */
async function writeSynced(f: FsPromises, file: string, bytes: Uint8Array): Promise<void> {
  const h = await f.open(file, 'w');
  try {
    await h.writeFile(bytes);
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Flushes a folder's entries (the rename) to the disk, where the platform can open a folder. */
async function syncDir(f: FsPromises, dir: string): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await f.open(dir, 'r');
    await h.sync();
  } catch {
    // Some platforms cannot open or fsync a folder; the file's own data is already synced.
  } finally {
    await h?.close().catch(() => {});
  }
}

/**
 * Keeps checkpoints as files in `dir` (created if missing). Each write goes to a temporary file,
 * which is fsynced and then renamed into place (and the folder synced), so a crash mid-write leaves
 * the previous checkpoint intact. Temporary files left by a killed process are removed the first
 * time the store is used. Uses node:fs, which Node, Deno and Bun all provide; it is loaded only when
 * this store is used.
 */
export function fileCheckpointStore(dir: string): CheckpointStore {
  if (typeof dir !== 'string' || dir === '') throw new QatjsError('fileCheckpointStore: dir must be a folder path');
  // A computed specifier keeps Node's types out of core's build: this is the only file-system access.
  const fs = import(FS_MODULE) as Promise<FsPromises>;
  const path = (name: string) => `${dir.replace(/\/+$/, '')}/${name}`;
  let made: Promise<unknown> | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanOnce = () =>
    (cleaned ??= (async () => {
      const f = await fs;
      let names: string[];
      try {
        names = await f.readdir(dir);
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return;
        throw e;
      }
      for (const n of names) if (n.includes(TMP)) await f.rm(path(n), { force: true });
    })());
  return {
    async write(name, bytes) {
      checkName(name);
      if (!(bytes instanceof Uint8Array)) throw new QatjsError('checkpoint store: write expects the file bytes as a Uint8Array');
      const f = await fs;
      await cleanOnce();
      await (made ??= f.mkdir(dir, { recursive: true }));
      const tmp = `${path(name)}${TMP}${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
      try {
        await writeSynced(f, tmp, bytes);
        await f.rename(tmp, path(name));
      } catch (e) {
        await f.rm(tmp, { force: true });
        throw e;
      }
      await syncDir(f, dir);
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
      await cleanOnce();
      try {
        return (await (await fs).readdir(dir)).filter((n) => NAME.test(n) && !n.startsWith('.') && !n.includes(TMP)).sort();
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
