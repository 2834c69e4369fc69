// What the lstm and gru runtime kernels share: the weights W [I, G*H] and U [H, G*H] packed once for
// the int8 GEMM with each gate's H columns padded to hp = ceil(H / 4) * 4 (so the f32x4 gate kernels
// read whole vectors), the per-row float32 parameters in WASM memory, and buffers that grow to the
// largest batch and sequence a session has run, reused by every run:
//   project: ax[B*T, G*hp] = x.W + biasX, ONE int32-output GEMM over all steps;
//   recur:   ah[B, G*hp]   = h.U + biasH, one int32-output GEMM per step.
import type { KernelContext } from '../context.ts';
import { fail } from '../validate.ts';
import { packRhs, runGemm, type PackedRhs } from './gemm-core.ts';

const INT32: { readonly dtype: 'int32' } = { dtype: 'int32' };

export interface RecurrentCoreSpec {
  /** 4 (LSTM: i, f, g, o) or 3 (GRU: z, r, n). */
  readonly gates: number;
  readonly inputSize: number;
  readonly hidden: number;
  /** Weight codes [I, G*H] and [H, G*H], symmetric (zero points 0). */
  readonly w: Int8Array;
  readonly u: Int8Array;
  readonly biasX?: Int32Array;
  readonly biasH?: Int32Array;
  /** Stored zero points of x and h (the GEMMs subtract them). */
  readonly zx: number;
  readonly zh: number;
  /** Per gate row float32 tables of G*H entries each, stored padded one after the other. */
  readonly params: readonly Float32Array[];
}

/** A heap block that grows (never shrinks) to the largest size asked for. */
class GrowBuffer {
  ptr = 0;
  bytes = 0;
  constructor(private readonly ctx: KernelContext) {}
  ensure(bytes: number): void {
    if (bytes <= this.bytes) return;
    if (this.bytes > 0) this.ctx.heap.free(this.ptr);
    this.bytes = 0;
    this.ptr = this.ctx.heap.alloc(bytes);
    this.bytes = bytes;
  }
  free(): void {
    if (this.bytes > 0) this.ctx.heap.free(this.ptr);
    this.bytes = 0;
  }
}

export class RecurrentCore {
  readonly hp: number;
  /** G * hp: the padded gate rows. */
  readonly rows: number;
  readonly #ctx: KernelContext;
  readonly #spec: RecurrentCoreSpec;
  readonly #w: PackedRhs;
  readonly #u: PackedRhs;
  /** The padded params tables, one after the other (G * hp float32 each). */
  readonly params: number;
  /** int32 x-projection [B*T, rows], int32 h-projection [B, rows], hidden codes [B, hp], cell codes int16 [B, hp]. */
  readonly ax: GrowBuffer;
  readonly ah: GrowBuffer;
  readonly h: GrowBuffer;
  readonly c: GrowBuffer;
  #disposed = false;

  constructor(ctx: KernelContext, spec: RecurrentCoreSpec) {
    const { gates: g, inputSize: inSize, hidden: hid } = spec;
    this.#ctx = ctx;
    this.#spec = spec;
    this.hp = Math.ceil(hid / 4) * 4;
    this.rows = g * this.hp;
    const pad = <T extends Int8Array | Int32Array | Float32Array>(src: T, depth: number, make: (n: number) => T): T => {
      const out = make(depth * this.rows);
      for (let k = 0; k < depth; k++) {
        for (let gate = 0; gate < g; gate++) out.set(src.subarray(k * g * hid + gate * hid, k * g * hid + gate * hid + hid), k * this.rows + gate * this.hp);
      }
      return out;
    };
    const zeros = new Int32Array(this.rows);
    const noMult = new Float32Array(this.rows);
    this.#w = packRhs(ctx, pad(spec.w, inSize, (n) => new Int8Array(n)), inSize, this.rows, 'kn', zeros, spec.biasX ? pad(spec.biasX, 1, (n) => new Int32Array(n)) : zeros, noMult, spec.zx);
    this.#u = packRhs(ctx, pad(spec.u, hid, (n) => new Int8Array(n)), hid, this.rows, 'kn', zeros, spec.biasH ? pad(spec.biasH, 1, (n) => new Int32Array(n)) : zeros, noMult, spec.zh);
    const tables = new Float32Array(spec.params.length * this.rows);
    spec.params.forEach((t, i) => tables.set(pad(t, 1, (n) => new Float32Array(n)), i * this.rows));
    this.params = ctx.upload(tables);
    [this.ax, this.ah, this.h, this.c] = [new GrowBuffer(ctx), new GrowBuffer(ctx), new GrowBuffer(ctx), new GrowBuffer(ctx)];
  }

  /** Grows the buffers for `batch` rows of `steps` steps. */
  reserve(batch: number, steps: number): void {
    if (this.#disposed) fail('recurrent', 'the op was disposed');
    this.ax.ensure(batch * steps * this.rows * 4);
    this.ah.ensure(batch * this.rows * 4);
    this.h.ensure(batch * this.hp);
    this.c.ensure(batch * this.hp * 2);
  }

  /** ax = x.W + biasX for the m rows of x [m, I] at `x`. */
  project(x: number, m: number): void {
    const s = this.#spec;
    runGemm(this.#ctx, m, this.rows, s.inputSize, x, s.inputSize, s.zx, this.#w.path, this.#w.ptr, this.ax.ptr, INT32);
  }

  /** ah = h.U + biasH for the `batch` hidden rows in the h buffer. */
  recur(batch: number): void {
    const s = this.#spec;
    runGemm(this.#ctx, batch, this.rows, s.hidden, this.h.ptr, this.hp, s.zh, this.#u.path, this.#u.ptr, this.ah.ptr, INT32);
  }

  /**
   * One run's frame: ax for all B*T rows of x, the hidden state from h0 (or all zh), then
   * `step(t, axRow)` for each step in processing order (T-1 .. 0 when reverse) after ah = h.U, and
   * the final hidden rows copied to hT.
   */
  run(x: number, batch: number, steps: number, h0: number | undefined, hT: number, reverse: boolean, step: (t: number, axRow: number) => void): void {
    const { hidden, zh } = this.#spec;
    this.project(x, batch * steps);
    if (h0 !== undefined) this.copyRows(h0, hidden, this.h.ptr, this.hp, batch, hidden);
    else this.fill(this.h.ptr, batch * this.hp, zh);
    for (let s = 0; s < steps; s++) {
      const t = reverse ? steps - 1 - s : s;
      this.recur(batch);
      step(t, this.ax.ptr + t * this.rows * 4);
    }
    this.copyRows(this.h.ptr, this.hp, hT, hidden, batch, hidden);
  }

  /** Copies `batch` rows of `rowBytes` from src (rows `srcStride` apart) to dst (rows `dstStride` apart). */
  copyRows(src: number, srcStride: number, dst: number, dstStride: number, batch: number, rowBytes: number): void {
    const mem = new Uint8Array(this.#ctx.memory.buffer);
    for (let b = 0; b < batch; b++) mem.copyWithin(dst + b * dstStride, src + b * srcStride, src + b * srcStride + rowBytes);
  }

  /** Fills `bytes` at `ptr` with the byte `value`. */
  fill(ptr: number, bytes: number, value: number): void {
    new Uint8Array(this.#ctx.memory.buffer).fill(value & 0xff, ptr, ptr + bytes);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const p of [this.#w.ptr, this.#u.ptr, this.params]) this.#ctx.heap.free(p);
    for (const b of [this.ax, this.ah, this.h, this.c]) b.free();
  }
}
