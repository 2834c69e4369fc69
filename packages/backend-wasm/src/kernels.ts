// The entry point: createKernels() instantiates the embedded SIMD128 module over a fresh memory and
// returns a WasmKernels, which allocates tensors in that memory and runs the int8 ops on them.
import type { KernelContext } from './context.ts';
import { BackendWasmError, valueText } from './errors.ts';
import { KERNELS_RELAXED_BASE64 } from './generated/kernels-relaxed.ts';
import { KERNELS_SIMD128_BASE64 } from './generated/kernels-simd128.ts';
import { decodeBase64 } from './load/base64.ts';
import type { RelaxedExports, Simd128Exports } from './load/exports.ts';
import { Heap, type HeapStats } from './memory/heap.ts';
import { Conv2dOp, type Conv2dSpec } from './ops/conv2d.ts';
import { DepthwiseConv2dOp, type DepthwiseConv2dSpec } from './ops/depthwise-conv2d.ts';
import { add, dequantize, quantize, type AddParams } from './ops/eltwise.ts';
import { bindBinaryS8, type BinaryParams } from './ops/binary-s8.ts';
import { bindBinaryF32, bindUnaryF32, type FloatBinaryOp, type FloatUnaryOp } from './ops/float.ts';
import { GemmOp, type GemmSpec } from './ops/gemm.ts';
import { matmul, type MatMulParams } from './ops/matmul.ts';
import { avgPool, maxPool, poolOutputShape, type AvgPoolParams, type PoolParams } from './ops/pool.ts';
import type { CodeClamp, TensorQuant } from './numerics/qparams.ts';
import { detectRelaxedSimd, relaxedSimdByDefault, type RelaxedSimdStatus } from './relaxed/detect.ts';
import { bytesPerElement, checkShape, WasmTensor, type DType } from './tensor.ts';

const PAGE = 65536;
const MAX_WASM32_BYTES = 65536 * PAGE;

export interface KernelsOptions {
  /** Initial WASM memory (default 16 MiB; rounded up to whole 64 KiB pages, at most the maximum); it grows as tensors and ops need. */
  readonly initialMemoryBytes?: number;
  /**
   * Upper bound on the WASM memory: whole 64 KiB pages (a multiple of 65536) from 65536 to 4 GiB, the
   * default. Other values throw a BackendWasmError, and so does a maximum the runtime cannot reserve.
   */
  readonly maximumMemoryBytes?: number;
  /**
   * Use the relaxed-SIMD GEMM (i32x4.relaxed_dot_i8x16_i7x16_add_s: 'rdot' for weights whose every
   * w - zp_w lies in [-64, 63], 'rdot2' for int8 weights whose columns span at most 254 codes) where
   * the runtime passes the start-up known-answer check. Results are the same bit for bit either way.
   * Default: on where the check passes and the engine runs it faster (relaxedSimdByDefault: not Bun
   * on x64); false forces the plain SIMD128 kernels, true uses relaxed wherever the check passes.
   */
  readonly relaxedSimd?: boolean;
}

export interface KernelFeatures {
  /** Always true: the kernels need WebAssembly SIMD128 and refuse to load without it. */
  readonly simd128: true;
  /** Result of the start-up known-answer check of i32x4.relaxed_dot_i8x16_i7x16_add_s. */
  readonly relaxedSimd: RelaxedSimdStatus & {
    /** Relaxed kernels are in use: the check passed and options.relaxedSimd (or its default) asked for them. */
    readonly used: boolean;
  };
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** Compiles an embedded module once per process. */
function compile(base64: string, what: string): Promise<WebAssembly.Module> {
  let m = compiled.get(base64);
  if (!m) {
    m = WebAssembly.compile(decodeBase64(base64) as Uint8Array<ArrayBuffer>).catch((e: unknown) => {
      compiled.delete(base64);
      throw new BackendWasmError(`this runtime cannot compile the ${what} kernels: ${(e as Error).message}`);
    });
    compiled.set(base64, m);
  }
  return m;
}

function checkBytes(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < PAGE || v > MAX_WASM32_BYTES) {
    throw new BackendWasmError(`createKernels: ${name} must be an integer in [${PAGE}, ${MAX_WASM32_BYTES}], got ${valueText(v)}`);
  }
  return v;
}

/** maximumMemoryBytes in pages: it must be whole 64 KiB pages (WebAssembly.Memory's unit), not rounded behind the caller's back. */
function maximumPages(v: number | undefined): number {
  const bytes = checkBytes('maximumMemoryBytes', v, MAX_WASM32_BYTES);
  if (bytes % PAGE !== 0) {
    const below = Math.floor(bytes / PAGE) * PAGE;
    throw new BackendWasmError(
      `createKernels: maximumMemoryBytes must be a whole number of 64 KiB WebAssembly pages (a multiple of ${PAGE}), ` +
        `got ${bytes}; the nearest are ${below} and ${below + PAGE}`,
    );
  }
  return bytes / PAGE;
}

/** A fresh memory; a runtime that cannot reserve it (its own limit is lower than 4 GiB) gets a BackendWasmError, not a RangeError. */
function newMemory(initial: number, maximum: number, shared = false): WebAssembly.Memory {
  try {
    return new WebAssembly.Memory({ initial, maximum, ...(shared ? { shared } : {}) });
  } catch (e) {
    throw new BackendWasmError(
      `createKernels: this runtime cannot make a WebAssembly memory of ${initial * PAGE} bytes growing to ${maximum * PAGE} ` +
        `(maximumMemoryBytes; initialMemoryBytes): ${(e as Error).message}. Try a smaller maximumMemoryBytes`,
    );
  }
}

/**
 * @internal How src/threads/ gets kernels over a shared memory: the shared-memory builds of the
 * modules, and `attach`, which starts the workers on the memory and returns the exports the ops call.
 */
export interface SharedKernelsHook {
  readonly simd128Base64: string;
  readonly relaxedBase64: string;
  attach(memory: WebAssembly.Memory, simd: Simd128Exports, relaxed: RelaxedExports | null): Promise<{ simd: Simd128Exports; relaxed: RelaxedExports | null }>;
}

/** Loads the kernels (compiled once per process, instantiated per call: each instance owns its memory). */
export async function createKernels(options: KernelsOptions = {}, shared?: SharedKernelsHook): Promise<WasmKernels> {
  if (options === null || typeof options !== 'object') throw new BackendWasmError('createKernels: options must be an object');
  const maxPages = maximumPages(options.maximumMemoryBytes);
  // initialMemoryBytes is rounded up to whole pages and capped by the maximum
  const initialPages = Math.min(Math.ceil(checkBytes('initialMemoryBytes', options.initialMemoryBytes, 16 << 20) / PAGE), maxPages);
  if (options.relaxedSimd !== undefined && typeof options.relaxedSimd !== 'boolean') {
    throw new BackendWasmError(`createKernels: relaxedSimd must be a boolean, got ${valueText(options.relaxedSimd)}`);
  }
  const memory = newMemory(initialPages, maxPages, shared !== undefined);
  const env = { env: { memory } };
  const simd = await WebAssembly.instantiate(await compile(shared?.simd128Base64 ?? KERNELS_SIMD128_BASE64, 'WebAssembly SIMD128 (is SIMD supported?)'), env);
  const status = await detectRelaxedSimd();
  let relaxed: RelaxedExports | null = null;
  if ((options.relaxedSimd ?? relaxedSimdByDefault(status)) && status.passed) {
    relaxed = (await WebAssembly.instantiate(await compile(shared?.relaxedBase64 ?? KERNELS_RELAXED_BASE64, 'relaxed-SIMD'), env)).exports as unknown as RelaxedExports;
  }
  const features: KernelFeatures = { simd128: true, relaxedSimd: { ...status, used: relaxed !== null } };
  let raw = simd.exports as unknown as Simd128Exports;
  if (shared) ({ simd: raw, relaxed } = await shared.attach(memory, raw, relaxed));
  return new WasmKernels(memory, raw, relaxed, maxPages * PAGE, features);
}

export class WasmKernels implements KernelContext {
  readonly memory: WebAssembly.Memory;
  readonly heap: Heap;
  /** The raw kernels: no checks at all. Prefer the methods, which validate every argument. */
  readonly raw: Simd128Exports;
  /** The raw relaxed-SIMD kernels, or null when not in use (see features.relaxedSimd). */
  readonly relaxed: RelaxedExports | null;
  readonly features: KernelFeatures;
  readonly #scratch: { ptr: number; bytes: number }[] = [];
  #disposed = false;

  /** Use createKernels(). */
  constructor(memory: WebAssembly.Memory, raw: Simd128Exports, relaxed: RelaxedExports | null, maxBytes: number, features: KernelFeatures) {
    this.memory = memory;
    this.raw = raw;
    this.relaxed = relaxed;
    this.heap = new Heap(memory, raw.heap_base(), maxBytes);
    this.features = Object.freeze(features);
  }

  // --- memory -------------------------------------------------------------------------------

  /** A new zero-filled tensor in WASM memory, optionally filled from `data`. */
  tensor<D extends DType>(dtype: D, shape: readonly number[], data?: ArrayLike<number>): WasmTensor<D> {
    this.#live('tensor');
    if (dtype !== 'int8' && dtype !== 'int16' && dtype !== 'int32' && dtype !== 'float32') throw new BackendWasmError(`tensor: dtype must be int8, int16, int32 or float32, got ${valueText(dtype)}`);
    const size = checkShape(shape, 'tensor shape');
    const t = new WasmTensor(this, dtype, shape, this.heap.alloc(size * bytesPerElement(dtype)));
    if (data !== undefined) {
      try {
        t.write(data);
      } catch (e) {
        t.dispose();
        throw e;
      }
    }
    return t;
  }

  memoryStats(): HeapStats {
    return this.heap.stats();
  }

  /** @internal A scratch block for one slot (a Scratch, or from Scratch.Workers on), reused across calls and grown on demand. */
  scratch(slot: number, bytes: number): number {
    const s = this.#scratch[slot];
    if (s && s.bytes >= bytes) return s.ptr;
    if (s) this.heap.free(s.ptr);
    this.#scratch[slot] = undefined as never;
    const want = Math.max(bytes, s ? Math.floor(s.bytes * 1.5) : 0);
    const ptr = this.heap.alloc(want);
    this.#scratch[slot] = { ptr, bytes: want };
    return ptr;
  }

  /** @internal Copies host data into a new heap block (the caller frees it). */
  upload(data: Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array): number {
    const ptr = this.heap.alloc(data.byteLength);
    new Uint8Array(this.memory.buffer, ptr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return ptr;
  }

  // --- ops with packed weights (create once, run many times) ---------------------------------

  /** Dense layer: weights packed now; run(x [..., k], y [..., n]). */
  createGemm(spec: GemmSpec): GemmOp {
    this.#live('createGemm');
    return new GemmOp(this, spec);
  }

  /** conv2d, NHWC input, HWIO filter; run(x, y). */
  createConv2d(spec: Conv2dSpec): Conv2dOp {
    this.#live('createConv2d');
    return new Conv2dOp(this, spec);
  }

  /** Depthwise conv2d, NHWC input, [kh, kw, cin, multiplier] filter; run(x, y). */
  createDepthwiseConv2d(spec: DepthwiseConv2dSpec): DepthwiseConv2dOp {
    this.#live('createDepthwiseConv2d');
    return new DepthwiseConv2dOp(this, spec);
  }

  // --- ops on activations only ---------------------------------------------------------------

  /** out[..., m, n] = a[..., m, k] . b[..., k, n] (both int8 activations). */
  matmul(a: WasmTensor<'int8'>, b: WasmTensor<'int8'>, out: WasmTensor<'int8'> | WasmTensor<'int32'>, params: MatMulParams): void {
    this.#live('matmul');
    matmul(this, a, b, out, params);
  }

  /** float32 -> int8: clamp(roundHalfEven(x / scale) + zeroPoint). */
  quantize(x: WasmTensor<'float32'>, y: WasmTensor<'int8'>, params: TensorQuant, clamp?: CodeClamp): void {
    this.#live('quantize');
    quantize(this, x, y, params, clamp);
  }

  /** int8 -> float32: (x - zeroPoint) * scale. */
  dequantize(x: WasmTensor<'int8'>, y: WasmTensor<'float32'>, params: TensorQuant): void {
    this.#live('dequantize');
    dequantize(this, x, y, params);
  }

  /** int8 + int8 with both inputs rescaled to the output's scale, broadcasting; out may be a or b (same shape). */
  add(a: WasmTensor<'int8'>, b: WasmTensor<'int8'>, out: WasmTensor<'int8'>, params: AddParams): void {
    this.#live('add');
    add(this, a, b, out, params);
  }

  /** int8 * int8: clamp(roundHalfEven(f32((a - zp_a) * (b - zp_b)) * f32(s_a * s_b / s_out)) + zp_out), broadcasting. */
  mul(a: WasmTensor<'int8'>, b: WasmTensor<'int8'>, out: WasmTensor<'int8'>, params: BinaryParams): void {
    this.#live('mul');
    bindBinaryS8(this, 'mul', a, b, out, params)();
  }

  /** float32 y = e^x, sigmoid(x) or tanh(x) (within 4 ulp or 1e-7 of the float64 function; NaN stays NaN); y may be x. */
  unaryF32(op: FloatUnaryOp, x: WasmTensor<'float32'>, y: WasmTensor<'float32'>): void {
    this.#live(String(op));
    bindUnaryF32(this, op, x, y)();
  }

  /** float32 out = fround(a + b) or fround(a * b), broadcasting (numpy rules). */
  binaryF32(op: FloatBinaryOp, a: WasmTensor<'float32'>, b: WasmTensor<'float32'>, out: WasmTensor<'float32'>): void {
    this.#live(String(op));
    bindBinaryF32(this, op, a, b, out)();
  }

  maxPool(x: WasmTensor<'int8'>, y: WasmTensor<'int8'>, params: PoolParams): void {
    this.#live('maxPool');
    maxPool(this, x, y, params);
  }

  avgPool(x: WasmTensor<'int8'>, y: WasmTensor<'int8'>, params: AvgPoolParams): void {
    this.#live('avgPool');
    avgPool(this, x, y, params);
  }

  /** Output shape of maxPool / avgPool for an NHWC input shape. */
  poolOutputShape(inputShape: readonly number[], params: PoolParams): [number, number, number, number] {
    return poolOutputShape('pool', inputShape, params);
  }

  /**
   * Drops this instance's scratch. Tensors and ops made by it must not be used afterwards; the
   * memory itself goes when nothing references it.
   */
  dispose(): void {
    for (const s of this.#scratch) if (s) this.heap.free(s.ptr);
    this.#scratch.length = 0;
    this.#disposed = true;
  }

  #live(op: string): void {
    if (this.#disposed) throw new BackendWasmError(`${op}: the kernels instance was disposed`);
  }
}
