// The runtime's op table, public: one builder per IR op, added with registerRuntimeOp beside the op's
// schema (@qatjs/ir registerOp) and reference kernel (registerReferenceOp). The built-in ops are
// registered through the same call (ops/index.ts). docs/guides/adding-an-op.md walks through it.
import { getOpSchema, type Constant, type Node, type ValueDecl } from '@qatjs/ir';
import { BackendWasmError } from '../errors.ts';
import type { WasmKernels } from '../kernels.ts';
import type { CodeClamp, TensorQuant } from '../numerics/qparams.ts';
import type { WasmTensor } from '../tensor.ts';
import { BUILTIN_RUNTIME_OPS } from './ops/index.ts';
import type { Storage } from './storage.ts';

/** A graph value as the runtime holds it: its IR declaration and how it lives in WASM memory. */
export interface RuntimeValue {
  readonly decl: ValueDecl;
  readonly storage: Storage;
}

/**
 * What a runtime op builder can look up while it builds one node's step (once, at loadSession).
 * Every lookup throws a BackendWasmError naming what is missing.
 */
export interface RuntimeOpContext {
  /** The session's kernels: allocate with `tensor`, call `raw` kernels, create packed-weight ops. */
  readonly kernels: WasmKernels;
  /** A value (graph input or node output) by name. */
  value(name: string): RuntimeValue;
  /** A constant (weights, bias) by name. */
  constant(name: string): Constant;
  /** Scale and zero point of an int8 / uint8 value, in stored codes (uint8 shifted by -128, see storage.ts). */
  quant(name: string): TensorQuant;
  /** An IR clamp attribute [lo, hi] (codes of output `output`'s dtype) as stored codes { min, max }. */
  clamp(clamp: readonly number[], output: string): Required<CodeClamp>;
}

/** One node's computation, made by a builder. */
export interface RuntimeStep {
  /**
   * Called once per run-time shape (each distinct set of dynamic sizes) with the node's input
   * tensors (constants left out: the builder has them) and output tensors, in node order; int8
   * values hold stored codes, float32 values floats. Checks them and returns the call that computes
   * the outputs, which runs on every run() (keep it free of checks and allocations).
   */
  bind(inputs: readonly WasmTensor[], outputs: readonly WasmTensor[]): () => void;
  /** Frees what the builder allocated (packed weights). Called once, by the session's dispose. */
  dispose?(): void;
  /** True when output 0 is input 0's bytes under another shape (reshape): no memory, no call. */
  readonly alias?: boolean;
}

/** Builds the step of one node (its op's attrs: nodeAttrs(node, op) from @qatjs/ir). */
export type RuntimeOpBuilder = (ctx: RuntimeOpContext, node: Node) => RuntimeStep;

const registry = new Map<string, RuntimeOpBuilder>();

/**
 * Adds the runtime kernel of an op. The op's schema must be registered first (@qatjs/ir registerOp);
 * an op has one runtime kernel: registering a name twice is an error, built-ins included.
 */
export function registerRuntimeOp(op: string, builder: RuntimeOpBuilder): void {
  if (typeof op !== 'string' || getOpSchema(op) === undefined) {
    throw new BackendWasmError(`registerRuntimeOp: no op schema named ${JSON.stringify(op)}: register it with @qatjs/ir registerOp first`);
  }
  if (typeof builder !== 'function') throw new BackendWasmError(`registerRuntimeOp: the builder of op '${op}' must be a function (ctx, node) => step`);
  if (registry.has(op)) throw new BackendWasmError(`registerRuntimeOp: op '${op}' already has a runtime kernel`);
  registry.set(op, builder);
}

/** The runtime builder of `op`, or undefined when none is registered. */
export function getRuntimeOp(op: string): RuntimeOpBuilder | undefined {
  if (typeof op !== 'string') throw new BackendWasmError(`getRuntimeOp: op must be a string, got ${typeof op}`);
  return registry.get(op);
}

/** The ops the runtime can run, built-ins first. */
export function listRuntimeOps(): string[] {
  return [...registry.keys()];
}

for (const [op, builder] of BUILTIN_RUNTIME_OPS) registerRuntimeOp(op, builder);
