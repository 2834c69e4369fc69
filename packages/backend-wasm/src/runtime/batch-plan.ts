// What a session needs to run one set of run-time sizes (the batch, a sequence length...): every
// value's tensor and every step's bound kernel call, made once. Values share memory slots when their lifetimes do not overlap (a value's slot is
// free again after its last reader), so the plan holds about the peak of live activations, not
// their sum; reshape and flatten outputs are views of their input's slot.
import { elementCount, type IntModel, type ValueDecl } from '@qatjs/ir';
import type { WasmKernels } from '../kernels.ts';
import { WasmTensor, bytesPerElement } from '../tensor.ts';
import type { Step } from './steps.ts';
import type { Storage } from './storage.ts';

export interface Liveness {
  /** Per value name: the value whose memory it uses (itself, or a reshape's source). */
  readonly root: ReadonlyMap<string, string>;
  /** Per step: the roots whose memory is free after it. */
  readonly release: readonly (readonly string[])[];
}

export function liveness(model: IntModel, steps: readonly Step[]): Liveness {
  const root = new Map<string, string>();
  for (const name of model.inputs) root.set(name, name);
  const lastUse = new Map<string, number>();
  steps.forEach((step, i) => {
    for (const name of step.node.inputs) {
      const r = root.get(name);
      if (r !== undefined) lastUse.set(r, i);
    }
    step.node.outputs.forEach((out, j) => {
      const r = step.alias && j === 0 ? (root.get(step.node.inputs[0]) as string) : out;
      root.set(out, r);
      lastUse.set(r, Math.max(lastUse.get(r) ?? i, i));
    });
  });
  for (const name of model.outputs) lastUse.set(root.get(name) as string, Infinity);
  const release: string[][] = steps.map(() => []);
  for (const [r, i] of lastUse) if (i !== Infinity) release[i].push(r);
  return { root, release };
}

interface Slot {
  readonly dtype: Storage['dtype'];
  bytes: number;
}

export class BatchPlan {
  readonly tensors = new Map<string, WasmTensor>();
  readonly calls: (() => void)[] = [];
  readonly #blocks: WasmTensor[] = [];

  constructor(
    kernels: WasmKernels, model: IntModel, steps: readonly Step[], live: Liveness,
    values: ReadonlyMap<string, { decl: ValueDecl; storage: Storage }>, sizes: ReadonlyMap<number, number>,
  ) {
    const shapeOf = (decl: ValueDecl) => decl.shape.map((d) => (d < 0 ? (sizes.get(d) as number) : d));
    const info = (name: string) => values.get(name) as { decl: ValueDecl; storage: Storage };
    const bytesOf = (name: string) => {
      const { decl, storage } = info(name);
      return elementCount(shapeOf(decl)) * bytesPerElement(storage.dtype);
    };
    // 1. slots by first fit over the execution order
    const slots: Slot[] = [];
    const free: number[] = [];
    const slotOf = new Map<string, number>();
    const assign = (name: string) => {
      const dtype = info(name).storage.dtype;
      const bytes = bytesOf(name);
      const candidates = free.filter((s) => slots[s].dtype === dtype);
      const fit = candidates.filter((s) => slots[s].bytes >= bytes).sort((a, b) => slots[a].bytes - slots[b].bytes)[0];
      const grow = candidates.sort((a, b) => slots[b].bytes - slots[a].bytes)[0];
      const s = fit ?? grow ?? slots.push({ dtype, bytes }) - 1;
      if (free.includes(s)) free.splice(free.indexOf(s), 1);
      slots[s].bytes = Math.max(slots[s].bytes, bytes);
      slotOf.set(name, s);
    };
    model.inputs.forEach(assign);
    steps.forEach((step, i) => {
      if (!step.alias) step.node.outputs.forEach(assign);
      for (const r of live.release[i]) free.push(slotOf.get(r) as number);
    });
    // 2. one heap block per slot; every value a view of its root's slot
    try {
      for (const s of slots) this.#blocks.push(kernels.tensor(s.dtype, [s.bytes / bytesPerElement(s.dtype)]));
      for (const decl of model.values) {
        const block = this.#blocks[slotOf.get(live.root.get(decl.name) as string) as number];
        this.tensors.set(decl.name, new WasmTensor(kernels, block.dtype, shapeOf(decl), block.byteOffset, false));
      }
      // 3. bind each step to its tensors: every check happens here, once
      for (const step of steps) {
        const ins = step.node.inputs.filter((n) => values.has(n)).map((n) => this.tensors.get(n) as WasmTensor);
        const outs = step.node.outputs.map((n) => this.tensors.get(n) as WasmTensor);
        this.calls.push(step.bind(ins, outs));
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  dispose(): void {
    for (const b of this.#blocks) b.dispose();
    this.#blocks.length = 0;
  }
}
