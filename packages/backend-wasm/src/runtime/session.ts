// The IntModel runtime: a session owns a kernels instance, the model's ops with their packed weights,
// and a plan per set of run-time sizes (batch-plan.ts). No tfjs.
import {
  decodeModel, validateModel,
  type ActivationDType, type Constant, type IntModel, type ValidateOptions, type ValueDecl,
} from '@qatjs/ir';
import { BackendWasmError, valueText } from '../errors.ts';
import type { KernelsOptions, WasmKernels } from '../kernels.ts';
import { checkMinMacs, checkThreads, createSessionKernels, type PoolStats, type Threads } from '../threads/index.ts';
import type { WasmTensor } from '../tensor.ts';
import { inputSizes, storedInput, type RunSizes, type SessionInput, type ShapedInput } from './inputs.ts';
import { buildSteps, type Step } from './steps.ts';
import { BatchPlan, liveness, type Liveness } from './batch-plan.ts';
import { storageOf, type Storage } from './storage.ts';

export type { SessionInput, ShapedInput } from './inputs.ts';
export type SessionOutput = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array;

/**
 * A graph input or output as the caller sees it. Negative dims are sizes chosen at run time: -1 the
 * batch (dim 0), -2, -3, ... other sizes (a sequence length); the same number is the same size.
 */
export interface ValueInfo {
  readonly name: string;
  readonly dtype: ActivationDType;
  readonly shape: readonly number[];
  /** For int8/uint8 values: real = (code - zeroPoint) * scale. */
  readonly quant?: { readonly scale: number; readonly zeroPoint: number; readonly bits: number };
}

export interface SessionOptions extends KernelsOptions {
  /** Tighter size caps for the loader (see @qatjs/ir's LIMITS). */
  readonly limits?: ValidateOptions['limits'];
  /**
   * Threads to run on (default 1): the main thread and `threads - 1` workers over one shared WebAssembly
   * memory, splitting the GEMMs of conv2d, dense, matmul and the recurrent ops by output rows. Outputs
   * are identical to one thread's. Where the runtime has no SharedArrayBuffer the session runs on one
   * thread (see `threads` on the session). dispose() stops the workers.
   */
  readonly threads?: number;
  /**
   * With threads > 1: a GEMM of fewer multiply-adds (m * n * k) than this runs on the main thread alone,
   * where handing half of it to a worker costs more than it saves. Default 262144.
   */
  readonly threadMinMacs?: number;
}

export interface RunOptions {
  /** The batch size; optional, the inputs' lengths fix it. */
  readonly batch?: number;
}

function publicInfo(decl: ValueDecl): ValueInfo {
  const q = decl.quant;
  return Object.freeze({
    name: decl.name,
    dtype: decl.dtype,
    shape: Object.freeze([...decl.shape]),
    ...(q ? { quant: Object.freeze({ scale: q.scale[0], zeroPoint: q.zeroPoint[0], bits: q.bits }) } : {}),
  });
}

/** Sets of run-time sizes whose tensors and bound calls a session keeps (least recently used goes first). */
const MAX_PLANS = 4;

export class IntSession {
  readonly model: IntModel;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly #kernels: WasmKernels;
  readonly #threads: Threads;
  readonly #steps: Step[];
  readonly #live: Liveness;
  /** Plans by the run-time sizes (planKey), most recently used last; a few are kept. */
  readonly #plans = new Map<string, BatchPlan>();
  readonly #values: Map<string, { decl: ValueDecl; storage: Storage }>;
  /** The run-time sizes the model's values use besides the batch, each with the first value using it. */
  readonly #symbols: readonly (readonly [number, string])[];
  #disposed = false;

  /** Use loadSession(). */
  private constructor(model: IntModel, kernels: WasmKernels, threads: Threads) {
    this.model = model;
    this.#kernels = kernels;
    this.#threads = threads;
    this.#values = new Map(model.values.map((decl) => [decl.name, { decl, storage: storageOf(decl) }]));
    const symbols = new Map<number, string>();
    for (const v of model.values) for (const d of v.shape) if (d < -1 && !symbols.has(d)) symbols.set(d, v.name);
    this.#symbols = [...symbols].sort((a, b) => b[0] - a[0]);
    const constants = new Map<string, Constant>(model.constants.map((c) => [c.name, c]));
    this.#steps = buildSteps({ kernels, values: this.#values, constants }, model);
    this.#live = liveness(model, this.#steps);
    const decl = (name: string) => (this.#values.get(name) as { decl: ValueDecl }).decl;
    this.inputs = Object.freeze(model.inputs.map((n) => publicInfo(decl(n))));
    this.outputs = Object.freeze(model.outputs.map((n) => publicInfo(decl(n))));
  }

  /** @internal */
  static async create(source: IntModel | Uint8Array | ArrayBuffer, options: SessionOptions = {}): Promise<IntSession> {
    if (options === null || typeof options !== 'object') throw new BackendWasmError('loadSession: options must be an object');
    const { limits, threads: threadsOption, threadMinMacs, ...kernelOptions } = options;
    const threadCount = checkThreads(threadsOption);
    const minMacs = checkMinMacs(threadMinMacs);
    const validate = limits ? { limits } : {};
    let model: IntModel;
    if (source instanceof Uint8Array || source instanceof ArrayBuffer) model = decodeModel(source, validate);
    else if (source !== null && typeof source === 'object') {
      validateModel(source, validate);
      model = source;
    } else throw new BackendWasmError(`loadSession: give the model file's bytes (Uint8Array / ArrayBuffer) or an IntModel, got ${source === null ? 'null' : typeof source}`);
    const { kernels, threads } = await createSessionKernels(kernelOptions, threadCount, minMacs);
    try {
      return new IntSession(model, kernels, threads);
    } catch (e) {
      kernels.dispose();
      threads.terminate();
      throw e;
    }
  }

  /** Bytes of WASM memory the packed weights and live tensors take right now. */
  get memoryBytes(): number {
    return this.#kernels.memoryStats().bytesInUse;
  }

  /** Threads the session runs on (options.threads, or 1 where the runtime cannot share memory with workers). */
  get threads(): number {
    return this.#threads.count;
  }

  /** @internal Kernel calls (GEMMs and fused convs) split over the threads so far (the tests check that splitting happened). */
  get splitGemms(): number {
    return Object.values(this.#threads.splits).reduce((a, b) => a + b, 0);
  }

  /** @internal splitGemms by the kernel split: its export name (gemm_s8s8_dot16, gemm_s8s8_rdot2, conv2d_s8s8_nhwc_dot16, ...) -> calls. */
  get splitKernels(): Readonly<Record<string, number>> {
    return { ...this.#threads.splits };
  }

  /** @internal Hand-offs to the workers, their chunks and the main thread's waits so far (null on one thread): the benchmarks report them. */
  get threadStats(): PoolStats | null {
    return this.#threads.stats;
  }

  /** @internal The next `jobs` split calls run on the main thread alone, as after a stalled one: the tests' way to that path. */
  runThreadsAlone(jobs: number): void {
    this.#threads.runAlone(jobs);
  }

  /** Which kernels run: plain SIMD128, or relaxed SIMD where asked for and verified. */
  get features(): WasmKernels['features'] {
    return this.#kernels.features;
  }

  /**
   * Runs the model. Inputs by name: a Float32Array of reals (quantized here for an int8/uint8 input)
   * or Uint8Array / Int8Array codes for a uint8 / int8 input; a bare array may leave open only the
   * batch (its length fixes it), `{ data, shape }` gives the concrete shape (needed for run-time
   * sizes other than the batch). Every input must agree on each run-time size. Outputs by name, in
   * their dtype's class: Float32Array (after a dequantize) or the codes (see `outputs[i].quant`).
   */
  run(inputs: Readonly<Record<string, SessionInput | ShapedInput>>, options: RunOptions = {}): Record<string, SessionOutput> {
    if (this.#disposed) throw new BackendWasmError('run(): the session was disposed');
    const { sizes, data } = this.#sizes(inputs, options);
    const stored = this.model.inputs.map((name, i) => {
      const { decl, storage } = this.#values.get(name) as { decl: ValueDecl; storage: Storage };
      return storedInput(decl, storage, data[i]);
    });
    const plan = this.#planFor(sizes);
    this.model.inputs.forEach((name, i) => (plan.tensors.get(name) as WasmTensor).write(stored[i]));
    for (const call of plan.calls) call();
    this.#threads.flush();
    const result: Record<string, SessionOutput> = {};
    for (const name of this.model.outputs) {
      const { storage } = this.#values.get(name) as { storage: Storage };
      const data = (plan.tensors.get(name) as WasmTensor).read();
      result[name] = storage.shift ? Uint8Array.from(data as Int8Array, (v) => v + storage.shift) : (data as SessionOutput);
    }
    return result;
  }

  #planFor(sizes: ReadonlyMap<number, number>): BatchPlan {
    let key = String(sizes.get(-1));
    for (const [d] of this.#symbols) key += `,${sizes.get(d)}`;
    let plan = this.#plans.get(key);
    if (plan) {
      this.#plans.delete(key); // most recently used goes last
    } else {
      if (this.#plans.size >= MAX_PLANS) {
        const [oldest, p] = this.#plans.entries().next().value as [string, BatchPlan];
        p.dispose();
        this.#plans.delete(oldest);
      }
      plan = new BatchPlan(this.#kernels, this.model, this.#steps, this.#live, this.#values, sizes);
    }
    this.#plans.set(key, plan);
    return plan;
  }

  /** Checks the inputs' names, lengths and shapes; the size of every run-time size, and each input's data. */
  #sizes(inputs: unknown, options: RunOptions): { sizes: Map<number, number>; data: unknown[] } {
    if (inputs === null || typeof inputs !== 'object' || ArrayBuffer.isView(inputs) || Array.isArray(inputs)) {
      throw new BackendWasmError(`run(): inputs must be an object of typed arrays (or { data, shape }) by input name (${this.model.inputs.join(', ')})`);
    }
    if (options === null || typeof options !== 'object') throw new BackendWasmError('run(): options must be an object');
    const given = inputs as Record<string, unknown>;
    for (const name of Object.keys(given)) {
      if (!this.model.inputs.includes(name)) throw new BackendWasmError(`run(): the model has no input named '${name}' (inputs: ${this.model.inputs.join(', ')})`);
    }
    const batch = options.batch;
    if (batch !== undefined && !(Number.isSafeInteger(batch) && batch >= 1)) throw new BackendWasmError(`run(): batch must be a positive integer, got ${valueText(batch)}`);
    const sizes: RunSizes = new Map();
    if (batch !== undefined) sizes.set(-1, { size: batch, from: 'options.batch' });
    const data = this.model.inputs.map((name) => {
      if (given[name] === undefined) throw new BackendWasmError(`run(): missing input '${name}'`);
      return inputSizes((this.#values.get(name) as { decl: ValueDecl }).decl, given[name], sizes);
    });
    const out = new Map<number, number>();
    for (const [d, { size }] of sizes) out.set(d, size);
    // A batch no input fixes (a model without a run-time batch input) is 1, as before.
    if (!out.has(-1)) out.set(-1, 1);
    for (const [d, name] of this.#symbols) {
      if (!out.has(d)) throw new BackendWasmError(`run(): value '${name}' uses run-time size ${d}, which no input fixes`);
    }
    return { sizes: out, data };
  }

  /** Frees the packed weights and the kernels' scratch. Idempotent; run() throws afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const p of this.#plans.values()) p.dispose();
    this.#plans.clear();
    for (const s of this.#steps) s.dispose();
    this.#kernels.dispose();
    this.#threads.terminate();
  }
}

/**
 * Loads an integer model for inference: the bytes of a model file (validated field by field) or an
 * IntModel from convert(). Compiles the kernels once per process and packs the weights now.
 */
export function loadSession(source: IntModel | Uint8Array | ArrayBuffer, options?: SessionOptions): Promise<IntSession> {
  return IntSession.create(source, options);
}
