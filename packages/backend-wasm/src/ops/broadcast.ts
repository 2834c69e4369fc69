// numpy broadcasting for the elementwise binary kernels: the output shape, and the loop nest the
// kernels run (assembly/float/binary-f32.ts, assembly/eltwise/binary-s8s8-fp32.ts): dims of size 1
// dropped, neighbours merged where both operands step through them alike, so that what is left is
// up to three outer loops (more are looped here) around an inner run in which each operand is
// contiguous or one broadcast value.
import type { KernelContext } from '../context.ts';
import type { DType, WasmTensor } from '../tensor.ts';
import { checkShapeEquals, checkTensor, fail } from '../validate.ts';

/** The broadcast shape of a and b (right-aligned; each dim equal or one of them 1). */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) fail(op, `shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (dim ${i}: ${da} vs ${db})`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** One kernel call's loop nest; strides in elements. */
export interface BroadcastLoops {
  /** Extra outer loops run in TypeScript (usually none): [size, a stride, b stride]. */
  readonly extra: readonly (readonly [number, number, number])[];
  /** Three outer loops: sizes, a strides, b strides. */
  readonly dims: readonly [number, number, number];
  readonly aStrides: readonly [number, number, number];
  readonly bStrides: readonly [number, number, number];
  /** Inner run length, and each operand's step in it (1 contiguous, 0 broadcast). */
  readonly n: number;
  readonly sa: 0 | 1;
  readonly sb: 0 | 1;
  /** Output elements. */
  readonly size: number;
}

/** Per dim of `out`, the element stride of an operand of `shape` broadcast to it (0 where it broadcasts). */
export function stridesOf(shape: readonly number[], out: readonly number[]): number[] {
  const rank = out.length;
  const s = new Array<number>(rank).fill(0);
  let step = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const d = shape[shape.length - rank + i] ?? 1;
    s[i] = d === 1 ? 0 : step;
    step *= d;
  }
  return s;
}

/** The loop nest of out = a op b (out has the broadcast shape). */
export function broadcastLoops(a: readonly number[], b: readonly number[], out: readonly number[]): BroadcastLoops {
  const sa = stridesOf(a, out);
  const sb = stridesOf(b, out);
  let dims: [number, number, number][] = [];
  out.forEach((d, i) => {
    if (d !== 1) dims.push([d, sa[i], sb[i]]);
  });
  const merged: [number, number, number][] = [];
  for (const d of dims) {
    const last = merged[merged.length - 1];
    if (last && last[1] === d[1] * d[0] && last[2] === d[2] * d[0]) merged[merged.length - 1] = [last[0] * d[0], d[1], d[2]];
    else merged.push([...d]);
  }
  dims = merged;
  const size = out.reduce((p, d) => p * d, 1);
  const inner = dims.pop() ?? [1, 1, 1];
  while (dims.length < 3) dims.unshift([1, 0, 0]);
  const extra = dims.slice(0, dims.length - 3);
  const outer = dims.slice(dims.length - 3);
  return {
    extra,
    dims: [outer[0][0], outer[1][0], outer[2][0]],
    aStrides: [outer[0][1], outer[1][1], outer[2][1]],
    bStrides: [outer[0][2], outer[1][2], outer[2][2]],
    n: inner[0],
    sa: inner[1] === 0 ? 0 : 1,
    sb: inner[2] === 0 ? 0 : 1,
    size,
  };
}

/** Calls `run(aOffset, bOffset, yOffset)` (elements) once per index of the extra outer loops. */
export function forEachExtra(l: BroadcastLoops, run: (aOff: number, bOff: number, yOff: number) => void): void {
  const inner = l.dims[0] * l.dims[1] * l.dims[2] * l.n;
  const total = l.extra.reduce((p, [d]) => p * d, 1);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let ao = 0;
    let bo = 0;
    for (let j = l.extra.length - 1; j >= 0; j--) {
      const [d, sa, sb] = l.extra[j];
      const k = rest % d;
      rest = Math.floor(rest / d);
      ao += k * sa;
      bo += k * sb;
    }
    run(ao, bo, i * inner);
  }
}

/**
 * Checks a, b and out (live tensors of `dtype`; out of the broadcast shape, and an input only when
 * that input has the output's shape) and returns the loop nest.
 */
export function checkBroadcast(op: string, ctx: KernelContext, dtype: DType, a: WasmTensor, b: WasmTensor, out: WasmTensor): BroadcastLoops {
  checkTensor(op, 'a', a, ctx, dtype);
  checkTensor(op, 'b', b, ctx, dtype);
  checkTensor(op, 'out', out, ctx, dtype);
  const shape = broadcastShape(op, a.shape, b.shape);
  checkShapeEquals(op, 'out', out.shape, shape);
  if ((out === a && a.size !== out.size) || (out === b && b.size !== out.size)) fail(op, 'the output may be an input only when it has the output shape');
  return broadcastLoops(a.shape, b.shape, shape);
}

/** A broadcasting kernel's loop arguments: (d0, d1, d2, n, a, a0, a1, a2, sa, b, b0, b1, b2, sb, y), byte strides. */
export type BroadcastKernel = (
  d0: number, d1: number, d2: number, n: number, a: number, a0: number, a1: number, a2: number, sa: number,
  b: number, b0: number, b1: number, b2: number, sb: number, y: number,
) => void;

/** The call that runs `kernel` over the loop nest for elements of `bytes` bytes at a, b and y. */
export function broadcastCall(l: BroadcastLoops, bytes: number, a: number, b: number, y: number, kernel: BroadcastKernel): () => void {
  if (l.size === 0) return () => {};
  const [d0, d1, d2] = l.dims;
  const [a0, a1, a2] = l.aStrides.map((s) => s * bytes);
  const [b0, b1, b2] = l.bStrides.map((s) => s * bytes);
  const [sa, sb] = [l.sa * bytes, l.sb * bytes];
  const call = (ao: number, bo: number, yo: number) => kernel(d0, d1, d2, l.n, a + ao * bytes, a0, a1, a2, sa, b + bo * bytes, b0, b1, b2, sb, y + yo * bytes);
  if (l.extra.length === 0) return () => call(0, 0, 0);
  return () => forEachExtra(l, call);
}
