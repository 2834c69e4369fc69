// The IntModel runtime: a session owns a kernels instance, the model's ops with their packed weights,
// and a plan per batch size (batch-plan.ts). No tfjs.
import {
  decodeModel, validateModel,
  type ActivationDType, type Constant, type IntModel, type ValidateOptions, type ValueDecl,
} from '@qatjs/ir';
import { BackendWasmError } from '../errors.ts';
import { createKernels, type KernelsOptions, type WasmKernels } from '../kernels.ts';
import type { WasmTensor } from '../tensor.ts';
import { inputBatch, storedInput, type SessionInput } from './inputs.ts';
import { buildSteps, type Step } from './steps.ts';
import { BatchPlan, liveness, type Liveness } from './batch-plan.ts';
import { storageOf, type Storage } from './storage.ts';

export type { SessionInput } from './inputs.ts';
export type SessionOutput = Float32Array | Int8Array | Uint8Array;

/** A graph input or output as the caller sees it; dim 0 = -1 is the batch chosen at run time. */
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

/** Batch sizes whose tensors and bound calls a session keeps (least recently used goes first). */
const MAX_PLANS = 4;

export class IntSession {
  readonly model: IntModel;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly #kernels: WasmKernels;
  readonly #steps: Step[];
  readonly #live: Liveness;
  /** Plans by batch size, most recently used last; a few are kept. */
  readonly #plans = new Map<number, BatchPlan>();
  readonly #values: Map<string, { decl: ValueDecl; storage: Storage }>;
  #disposed = false;

  /** Use loadSession(). */
  private constructor(model: IntModel, kernels: WasmKernels) {
    this.model = model;
    this.#kernels = kernels;
    this.#values = new Map(model.values.map((decl) => [decl.name, { decl, storage: storageOf(decl) }]));
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
    const { limits, ...kernelOptions } = options;
    const validate = limits ? { limits } : {};
    let model: IntModel;
    if (source instanceof Uint8Array || source instanceof ArrayBuffer) model = decodeModel(source, validate);
    else if (source !== null && typeof source === 'object') {
      validateModel(source, validate);
      model = source;
    } else throw new BackendWasmError(`loadSession: give the model file's bytes (Uint8Array / ArrayBuffer) or an IntModel, got ${source === null ? 'null' : typeof source}`);
    const kernels = await createKernels(kernelOptions);
    try {
      return new IntSession(model, kernels);
    } catch (e) {
      kernels.dispose();
      throw e;
    }
  }

  /** Bytes of WASM memory the packed weights and live tensors take right now. */
  get memoryBytes(): number {
    return this.#kernels.memoryStats().bytesInUse;
  }

  /** Which kernels run: plain SIMD128, or relaxed SIMD where asked for and verified. */
  get features(): WasmKernels['features'] {
    return this.#kernels.features;
  }

  /**
   * Runs the model. Inputs by name: a Float32Array of reals (quantized here for an int8/uint8 input)
   * or Uint8Array / Int8Array codes for a uint8 / int8 input. Outputs by name, in their dtype's class:
   * Float32Array (after a dequantize) or the codes (see `outputs[i].quant`).
   */
  run(inputs: Readonly<Record<string, SessionInput>>, options: RunOptions = {}): Record<string, SessionOutput> {
    if (this.#disposed) throw new BackendWasmError('run(): the session was disposed');
    const batch = this.#batch(inputs, options);
    const stored = this.model.inputs.map((name) => {
      const { decl, storage } = this.#values.get(name) as { decl: ValueDecl; storage: Storage };
      return storedInput(decl, storage, inputs[name]);
    });
    const plan = this.#planFor(batch);
    this.model.inputs.forEach((name, i) => (plan.tensors.get(name) as WasmTensor).write(stored[i]));
    for (const call of plan.calls) call();
    const result: Record<string, SessionOutput> = {};
    for (const name of this.model.outputs) {
      const { storage } = this.#values.get(name) as { storage: Storage };
      const data = (plan.tensors.get(name) as WasmTensor).read();
      result[name] = storage.shift ? Uint8Array.from(data as Int8Array, (v) => v + storage.shift) : (data as SessionOutput);
    }
    return result;
  }

  #planFor(batch: number): BatchPlan {
    let plan = this.#plans.get(batch);
    if (plan) {
      this.#plans.delete(batch); // most recently used goes last
    } else {
      if (this.#plans.size >= MAX_PLANS) {
        const [oldest, p] = this.#plans.entries().next().value as [number, BatchPlan];
        p.dispose();
        this.#plans.delete(oldest);
      }
      plan = new BatchPlan(this.#kernels, this.model, this.#steps, this.#live, this.#values, batch);
    }
    this.#plans.set(batch, plan);
    return plan;
  }

  #batch(inputs: unknown, options: RunOptions): number {
    if (inputs === null || typeof inputs !== 'object' || ArrayBuffer.isView(inputs) || Array.isArray(inputs)) {
      throw new BackendWasmError(`run(): inputs must be an object of typed arrays by input name (${this.model.inputs.join(', ')})`);
    }
    if (options === null || typeof options !== 'object') throw new BackendWasmError('run(): options must be an object');
    const given = inputs as Record<string, unknown>;
    for (const name of Object.keys(given)) {
      if (!this.model.inputs.includes(name)) throw new BackendWasmError(`run(): the model has no input named '${name}' (inputs: ${this.model.inputs.join(', ')})`);
    }
    let batch = options.batch;
    if (batch !== undefined && !(Number.isSafeInteger(batch) && batch >= 1)) throw new BackendWasmError(`run(): batch must be a positive integer, got ${String(batch)}`);
    for (const name of this.model.inputs) {
      const data = given[name];
      if (data === undefined) throw new BackendWasmError(`run(): missing input '${name}'`);
      if (!ArrayBuffer.isView(data) || data instanceof DataView) throw new BackendWasmError(`run(): input '${name}' must be a typed array`);
      const decl = (this.#values.get(name) as { decl: ValueDecl }).decl;
      const n = inputBatch(decl, data as SessionInput);
      if (decl.shape[0] !== -1) continue;
      if (batch !== undefined && n !== batch) throw new BackendWasmError(`run(): input '${name}' holds a batch of ${n}, but ${options.batch !== undefined ? 'options.batch' : 'another input'} says ${batch}`);
      batch = n;
    }
    return batch ?? 1;
  }

  /** Frees the packed weights and the kernels' scratch. Idempotent; run() throws afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const p of this.#plans.values()) p.dispose();
    this.#plans.clear();
    for (const s of this.#steps) s.dispose();
    this.#kernels.dispose();
  }
}

/**
 * Loads an integer model for inference: the bytes of a model file (validated field by field) or an
 * IntModel from convert(). Compiles the kernels once per process and packs the weights now.
 */
export function loadSession(source: IntModel | Uint8Array | ArrayBuffer, options?: SessionOptions): Promise<IntSession> {
  return IntSession.create(source, options);
}
