// Start-up check of relaxed SIMD. WebAssembly.validate alone is not enough: Node 20 with
// --experimental-wasm-relaxed-simd validates i32x4.relaxed_dot_i8x16_i7x16_add_s and returns exactly
// double the right result (measured). So the instruction counts as working only after it computes
// known answers, with the second operand in [0, 127] where every conforming lowering must agree.
import { KERNELS_RELAXED_BASE64 } from '../generated/kernels-relaxed.ts';
import { decodeBase64 } from '../load/base64.ts';

export interface RelaxedSimdStatus {
  /** The runtime validates (compiles) the relaxed-SIMD module. */
  readonly supported: boolean;
  /** ... and i32x4.relaxed_dot_i8x16_i7x16_add_s returned every known answer. */
  readonly passed: boolean;
  readonly detail: string;
}

export interface KnownAnswer {
  readonly a: Int8Array;
  readonly b: Int8Array;
  readonly c: Int32Array;
  readonly expected: Int32Array;
}

/** Test vectors: the int8 extremes in a, the i7 extremes in b, accumulators of both signs. */
export function relaxedDotKnownAnswers(): KnownAnswer[] {
  const make = (a: number[], b: number[], c: number[]): KnownAnswer => {
    const expected = new Int32Array(4);
    for (let l = 0; l < 4; l++) {
      let s = c[l];
      for (let j = 0; j < 4; j++) s += a[4 * l + j] * b[4 * l + j];
      expected[l] = s;
    }
    return { a: Int8Array.from(a), b: Int8Array.from(b), c: Int32Array.from(c), expected };
  };
  const ramp = (f: (i: number) => number) => Array.from({ length: 16 }, (_, i) => f(i));
  return [
    make(ramp((i) => (i % 2 ? -128 : 127)), ramp(() => 127), [0, 1, -1, 1000000]),
    make(ramp((i) => i * 17 - 128), ramp((i) => (i * 37) % 128), [-123456, 7, 0, 2 ** 30]),
    make(ramp((i) => (i % 3) - 1), ramp((i) => i), [5, -5, 2 ** 31 - 1 - 1000, -(2 ** 31) + 1000]),
  ];
}

let checked: Promise<RelaxedSimdStatus> | undefined;

/** Runs the check once per process, in a throwaway instance (one page of its own memory). Never throws. */
export function detectRelaxedSimd(): Promise<RelaxedSimdStatus> {
  checked ??= runCheck();
  return checked;
}

async function runCheck(): Promise<RelaxedSimdStatus> {
  const bytes = decodeBase64(KERNELS_RELAXED_BASE64) as Uint8Array<ArrayBuffer>;
  if (!WebAssembly.validate(bytes)) return { supported: false, passed: false, detail: 'this runtime does not validate relaxed-SIMD instructions' };
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
    const cases = relaxedDotKnownAnswers();
    const base = 4096;
    cases.forEach((k, i) => {
      const p = base + 64 * i;
      new Int8Array(memory.buffer, p, 16).set(k.a);
      new Int8Array(memory.buffer, p + 16, 16).set(k.b);
      new Int32Array(memory.buffer, p + 32, 4).set(k.c);
    });
    (instance.exports.relaxed_dot_kat as (p: number, n: number) => void)(base, cases.length);
    for (let i = 0; i < cases.length; i++) {
      const got = new Int32Array(memory.buffer, base + 64 * i + 48, 4);
      if (got.some((v, l) => v !== cases[i].expected[l])) {
        return { supported: true, passed: false, detail: `relaxed_dot_i8x16_i7x16_add_s returned [${[...got].join(', ')}], expected [${[...cases[i].expected].join(', ')}]` };
      }
    }
    return { supported: true, passed: true, detail: `relaxed_dot_i8x16_i7x16_add_s returned all ${cases.length} known answers` };
  } catch (e) {
    return { supported: true, passed: false, detail: `relaxed-SIMD module failed to run: ${(e as Error).message}` };
  }
}

/**
 * Whether relaxed SIMD is used when createKernels is not told (options.relaxedSimd undefined): where
 * the known-answer check passed, except on engines where it measured slower than plain SIMD128.
 * Bun on x64 (JavaScriptCore) ran the rdot2 GEMM at about half the speed of dot16 (benchmarks/results/gemm.md);
 * V8 (Deno 2.9, Node >= 22) runs it faster.
 */
export function relaxedSimdByDefault(status: RelaxedSimdStatus): boolean {
  if (!status.passed) return false;
  const g = globalThis as { Bun?: unknown; process?: { arch?: string } };
  return !(g.Bun !== undefined && g.process?.arch === 'x64');
}
