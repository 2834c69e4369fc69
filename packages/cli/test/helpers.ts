import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { main, type Io } from '@qatjs/cli';
import { loadDigits, trainTestSplit } from '@qatjs/datasets';

export interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the command in this process, as `qat <args>` would, capturing its output. */
export async function qat(...args: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false };
  const code = await main(args, io);
  return { code, out, err };
}

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Starts `node dist/bin.js <args>`; `onErr` sees stderr as it comes. */
export function spawnQat(cmd: string, args: string[], onErr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      onErr?.(err, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), out, err }));
  });
}

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'qat-cli-test-'));

function idx(dims: number[], data: ArrayLike<number>): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(Uint8Array.from(data), header.length);
  return out;
}

/**
 * sklearn's digits (shipped, real handwriting; not MNIST) written as four IDX files in `dir`, 8x8
 * pixels scaled 0..16 -> 0..255; the training images gzipped (the loader reads both kinds).
 */
export async function writeDigitsIdx(dir: string): Promise<string[]> {
  const all = await loadDigits({ normalize: false });
  const { train, test } = trainTestSplit(all, { testFraction: 0.2, seed: 3, stratify: true });
  const pixels = (x: Float32Array) => Array.from(x, (v) => Math.round((v * 255) / 16));
  const files: Array<[string, Uint8Array]> = [
    ['train-images-idx3-ubyte.gz', gzipSync(idx([train.y.length, 8, 8], pixels(train.x)))],
    ['train-labels-idx1-ubyte', idx([train.y.length], train.y)],
    ['t10k-images-idx3-ubyte', idx([test.y.length, 8, 8], pixels(test.x))],
    ['t10k-labels-idx1-ubyte', idx([test.y.length], test.y)],
  ];
  const paths = files.map(([name]) => join(dir, name));
  await Promise.all(files.map(([, bytes], i) => writeFile(paths[i]!, bytes)));
  return paths;
}
