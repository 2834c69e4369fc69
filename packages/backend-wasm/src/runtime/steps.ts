// One executable step per IR node, made by the op's registered builder (registry.ts): ops with
// weights are created (and their weights packed) once, at session creation; run() then only moves
// tensors through the kernels.
import type { Constant, IntModel, Node } from '@qatjs/ir';
import { BackendWasmError } from '../errors.ts';
import type { WasmKernels } from '../kernels.ts';
import type { WasmTensor } from '../tensor.ts';
import { getRuntimeOp, listRuntimeOps, type RuntimeOpContext, type RuntimeValue } from './registry.ts';
import { quantOf, storedClamp } from './storage.ts';

export interface Step {
  readonly node: Node;
  /** True when the output is the input's bytes under another shape (reshape, flatten). */
  readonly alias: boolean;
  bind(inputs: readonly WasmTensor[], outputs: readonly WasmTensor[]): () => void;
  dispose(): void;
}

/** What the session gives the builders: its values and constants by name. */
export interface StepSources {
  readonly kernels: WasmKernels;
  readonly values: ReadonlyMap<string, RuntimeValue>;
  readonly constants: ReadonlyMap<string, Constant>;
}

function contextFor(src: StepSources): RuntimeOpContext {
  const value = (name: string): RuntimeValue => {
    const v = src.values.get(name);
    if (!v) throw new BackendWasmError(`'${name}' is not a value of the model`);
    return v;
  };
  return {
    kernels: src.kernels,
    value,
    constant(name) {
      const c = src.constants.get(name);
      if (!c) throw new BackendWasmError(`'${name}' is not a constant of the model`);
      return c;
    },
    quant: (name) => quantOf(value(name).storage, `value '${name}'`),
    clamp: (clamp, output) => storedClamp(clamp, value(output).storage),
  };
}

/** Builds every node's step; on failure the steps already built are disposed. */
export function buildSteps(src: StepSources, model: IntModel): Step[] {
  const steps: Step[] = [];
  try {
    for (const node of model.nodes) {
      const build = getRuntimeOp(node.op);
      if (!build) {
        throw new BackendWasmError(`node '${node.name}': the int runtime has no kernel for op '${node.op}' (registered: ${listRuntimeOps().join(', ')}; add one with registerRuntimeOp)`);
      }
      try {
        const s = build(contextFor(src), node);
        if (s === null || typeof s !== 'object' || typeof s.bind !== 'function') {
          throw new BackendWasmError(`the runtime builder of op '${node.op}' must return { bind, dispose?, alias? }`);
        }
        const dispose = s.dispose;
        steps.push({ node, alias: s.alias === true, bind: (i, o) => s.bind(i, o), dispose: () => dispose?.call(s) });
      } catch (e) {
        if (e instanceof BackendWasmError) throw new BackendWasmError(`node '${node.name}' (${node.op}): ${e.message}`);
        throw e;
      }
    }
    return steps;
  } catch (e) {
    for (const s of steps) s.dispose();
    throw e;
  }
}
