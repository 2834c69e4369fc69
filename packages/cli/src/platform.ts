// The one per-runtime shim of the command: files, the process's streams, signals and exit. Each use
// of node:fs/promises and process here works unchanged on Node, Deno (npm compatibility) and Bun.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { badInput } from './errors.ts';

export { dirname, join, resolve };

/** Where the command writes: stdout (results), stderr (progress, warnings, errors). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (progress bars) or a pipe / file (plain lines). */
  readonly isTTY: boolean;
  /** The interrupt signal (Ctrl-C): aborted when the user asks to stop. */
  readonly signal?: AbortSignal;
}

/** The process's own streams, and an AbortSignal that Ctrl-C (SIGINT) aborts. */
export function processIo(): Io {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    signal: controller.signal,
  };
}

export async function readFileBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw badInput(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message}`);
  }
}

export async function readText(path: string, what: string): Promise<string> {
  return new TextDecoder().decode(await readFileBytes(path, what));
}

/** Writes a file atomically (a temporary file, then a rename), making its folder if needed. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${Date.now()}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The stream progress bars draw on (stderr, so stdout keeps the results). */
export const barStream = (): NodeJS.WritableStream => process.stderr;

export const runtimeName = (): string =>
  'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node';
