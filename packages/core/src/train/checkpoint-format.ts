// The checkpoint file: weights, quantizer state, optimizer state and progress in one binary blob.
//
// | offset | size | field |
// | 0      | 8    | magic "QATJSCKP" |
// | 8      | 4    | format version (u32 LE) = 2 |
// | 12     | 4    | header length H (u32 LE) |
// | 16     | 4    | CRC-32 (u32 LE, @qatjs/ir's crc32) of bytes 0..16 followed by bytes 20..end |
// | 20     | H    | header JSON (UTF-8) |
// | ...    |      | zero padding to a multiple of 4, then tensor data (f32 / i32 LE), each 4-aligned |
import type { QuantizerState } from '../quantizer/quantizer.ts';
import { QatjsError } from '../util/errors.ts';
import { crc32 } from '@qatjs/ir';
import type { OptimizerState } from './optimizers.ts';

export class CheckpointError extends QatjsError {
  override readonly name = 'CheckpointError';
}

export interface TensorData {
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly values: Float32Array | Int32Array;
}

export interface CheckpointProgress {
  /** Training steps completed. */
  readonly step: number;
  /** The epoch the next step belongs to. */
  readonly epoch: number;
  /** Evaluation results so far, by step. */
  readonly evaluations: ReadonlyArray<{ readonly step: number; readonly metrics: Readonly<Record<string, number>> }>;
}

export interface Checkpoint {
  readonly progress: CheckpointProgress;
  /** Model parameters by path ("conv1.weight"). */
  readonly params: ReadonlyMap<string, TensorData>;
  /** Quantizer states by point label ("conv1/weight"). */
  readonly quantizers: ReadonlyMap<string, QuantizerState>;
  readonly optimizer: OptimizerState;
}

const MAGIC = 'QATJSCKP';
const VERSION = 2;
/** Bytes before the header JSON. */
const PREFIX = 20;
const MAX_HEADER = 64 * 1024 * 1024;

interface TensorRef {
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
}

interface Header {
  progress: CheckpointProgress;
  params: Array<[string, TensorRef]>;
  quantizers: Array<[string, QuantizerState]>;
  optimizer: { weights: Array<{ name: string } & TensorRef>; accBeta?: [number, number] };
}

const align4 = (n: number) => (n + 3) & ~3;
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const tensors: TensorData[] = [];
  let offset = 0;
  const ref = (t: TensorData): TensorRef => {
    const r = { shape: [...t.shape], dtype: t.dtype, offset };
    tensors.push(t);
    offset += t.values.length * 4;
    return r;
  };
  const header: Header = {
    progress: c.progress,
    params: [...c.params].map(([k, t]) => [k, ref(t)]),
    quantizers: [...c.quantizers],
    optimizer: {
      weights: c.optimizer.weights.map((w) => ({ name: w.name, ...ref(w) })),
      ...(c.optimizer.accBeta ? { accBeta: [c.optimizer.accBeta[0], c.optimizer.accBeta[1]] as [number, number] } : {}),
    },
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(PREFIX + json.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREFIX);
  let at = dataStart;
  for (const t of tensors) {
    for (let i = 0; i < t.values.length; i++, at += 4) {
      if (t.dtype === 'int32') view.setInt32(at, t.values[i], true);
      else view.setFloat32(at, t.values[i], true);
    }
  }
  view.setUint32(16, checksum(out), true);
  return out;
}

function checksum(bytes: Uint8Array): number {
  return crc32(bytes.subarray(PREFIX), crc32(bytes.subarray(0, 16)));
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

function fail(what: string): never {
  throw new CheckpointError(`checkpoint: ${what}`);
}

function readTensor(view: DataView, dataStart: number, r: unknown, where: string): TensorData {
  const t = r as Partial<TensorRef> | null;
  if (t === null || typeof t !== 'object') fail(`${where} is not a tensor record`);
  if (!Array.isArray(t.shape) || t.shape.length > 8 || !t.shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 31)) {
    fail(`${where}.shape is not a list of dimensions`);
  }
  if (t.dtype !== 'float32' && t.dtype !== 'int32') fail(`${where}.dtype must be float32 or int32`);
  const n = sizeOf(t.shape);
  if (!Number.isInteger(t.offset) || (t.offset as number) < 0 || (t.offset as number) % 4 !== 0) fail(`${where}.offset is not a 4-aligned byte offset`);
  const start = dataStart + (t.offset as number);
  if (start + n * 4 > view.byteLength) fail(`${where} (${n} values at offset ${t.offset}) runs past the end of the file`);
  const values = t.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = t.dtype === 'int32' ? view.getInt32(start + 4 * i, true) : view.getFloat32(start + 4 * i, true);
    if (!Number.isFinite(v)) fail(`${where} holds a non-finite value at index ${i}`);
    values[i] = v;
  }
  return { shape: t.shape as number[], dtype: t.dtype, values };
}

/** Parses and validates a checkpoint file; a corrupt or truncated one throws a CheckpointError naming the field. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (!(bytes instanceof Uint8Array)) fail('expected the file bytes as a Uint8Array');
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('not a qatjs checkpoint (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 1) fail('format version 1 is from an older qatjs (no checksum) and is no longer read: train again, or resume with the qatjs that wrote it');
  if (version !== VERSION) fail(`format version ${version} is not supported (expected ${VERSION})`);
  if (bytes.length < PREFIX) fail(`file is truncated (${bytes.length} bytes)`);
  const h = view.getUint32(12, true);
  if (h > MAX_HEADER || PREFIX + h > bytes.length) fail(`header length ${h} runs past the end of the file (${bytes.length} bytes)`);
  const stored = view.getUint32(16, true);
  const actual = checksum(bytes);
  if (stored !== actual) fail(`checksum mismatch (stored CRC-32 ${hex(stored)}, computed ${hex(actual)}): the file is corrupt or truncated`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + h)));
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object') fail('header is not an object');
  const dataStart = align4(PREFIX + h);
  const p = header.progress as Partial<CheckpointProgress> | undefined;
  if (!p || !Number.isInteger(p.step) || (p.step as number) < 0 || !Number.isInteger(p.epoch) || (p.epoch as number) < 0 || !Array.isArray(p.evaluations)) {
    fail('progress must hold integer step and epoch and an evaluations list');
  }
  if (!Array.isArray(header.params)) fail('params must be a list');
  const params = new Map<string, TensorData>();
  header.params.forEach((entry, i) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') fail(`params[${i}] must be [path, tensor]`);
    if (params.has(entry[0])) fail(`params[${i}]: duplicate path '${entry[0]}'`);
    params.set(entry[0], readTensor(view, dataStart, entry[1], `params['${entry[0]}']`));
  });
  if (!Array.isArray(header.quantizers)) fail('quantizers must be a list');
  const quantizers = new Map<string, QuantizerState>();
  header.quantizers.forEach((entry, i) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || entry[1] === null || typeof entry[1] !== 'object') {
      fail(`quantizers[${i}] must be [label, state]`);
    }
    quantizers.set(entry[0], entry[1]);
  });
  const o = header.optimizer;
  if (!o || !Array.isArray(o.weights)) fail('optimizer.weights must be a list');
  const weights = o.weights.map((w, i) => {
    if (w === null || typeof w !== 'object' || typeof w.name !== 'string') fail(`optimizer.weights[${i}] has no name`);
    return { name: w.name, ...readTensor(view, dataStart, w, `optimizer.weights[${i}]`) };
  });
  if (o.accBeta !== undefined && !(Array.isArray(o.accBeta) && o.accBeta.length === 2 && o.accBeta.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    fail('optimizer.accBeta must be two finite numbers');
  }
  return {
    progress: { step: p.step as number, epoch: p.epoch as number, evaluations: p.evaluations as CheckpointProgress['evaluations'] },
    params,
    quantizers,
    optimizer: o.accBeta ? { weights, accBeta: [o.accBeta[0], o.accBeta[1]] } : { weights },
  };
}
