// A tensor that lives in the kernels' WASM memory: activations stay there from op to op, and
// JavaScript only copies in (write) and out (read) at the ends of a model.
import { BackendWasmError, valueText } from './errors.ts';
import type { Heap } from './memory/heap.ts';

export type DType = 'int8' | 'int16' | 'int32' | 'float32';

export type TypedArrayFor<D extends DType> = D extends 'int8' ? Int8Array : D extends 'int16' ? Int16Array : D extends 'int32' ? Int32Array : Float32Array;

const BYTES: Record<DType, number> = { int8: 1, int16: 2, int32: 4, float32: 4 };
const RANGE: Record<DType, [number, number] | undefined> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  float32: undefined,
};

export function bytesPerElement(dtype: DType): number {
  return BYTES[dtype];
}

export function checkShape(shape: readonly number[], what = 'shape'): number {
  if (!Array.isArray(shape)) throw new BackendWasmError(`${what} must be an array of non-negative integers, got ${valueText(shape)}`);
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new BackendWasmError(`${what} [${shape.join(', ')}] has a bad dimension ${d}`);
    size *= d;
  }
  if (!Number.isSafeInteger(size) || size > 2 ** 31) throw new BackendWasmError(`${what} [${shape.join(', ')}] is too large`);
  return size;
}

/** What a tensor needs from the kernels instance that made it. */
export interface TensorOwner {
  readonly heap: Heap;
  readonly memory: WebAssembly.Memory;
}

/** The heap block behind a tensor and its aliases; ptr -1 once freed. */
interface Block {
  ptr: number;
}

export class WasmTensor<D extends DType = DType> {
  readonly dtype: D;
  readonly #owner: TensorOwner;
  #shape: readonly number[];
  readonly #size: number;
  readonly #block: Block;
  /** False for an alias (reshaped()): it never frees the block. */
  readonly #owns: boolean;

  /** Use WasmKernels.tensor(); this constructor takes a block the heap already reserved. */
  constructor(owner: TensorOwner, dtype: D, shape: readonly number[], ptr: number | Block, owns = true) {
    this.#owner = owner;
    this.dtype = dtype;
    this.#shape = Object.freeze([...shape]);
    this.#size = checkShape(shape);
    this.#block = typeof ptr === 'number' ? { ptr } : ptr;
    this.#owns = owns;
  }

  get shape(): readonly number[] {
    return this.#shape;
  }

  get size(): number {
    return this.#size;
  }

  get byteLength(): number {
    return this.#size * BYTES[this.dtype];
  }

  /** True once this tensor, or the tensor it aliases, was disposed. */
  get disposed(): boolean {
    return this.#block.ptr < 0;
  }

  /** Address in the kernels' memory; throws once disposed. */
  get byteOffset(): number {
    if (this.#block.ptr < 0) throw new BackendWasmError(`tensor [${this.#shape.join(', ')}] ${this.dtype} was disposed`);
    return this.#block.ptr;
  }

  /** True if this tensor belongs to `owner` (tensors cannot move between kernels instances). */
  ownedBy(owner: TensorOwner): boolean {
    return this.#owner === owner;
  }

  /**
   * A view of the data in WASM memory. It goes stale when the memory grows (any allocation may
   * grow it): take a fresh one after creating tensors or ops, or use read()/write().
   */
  view(): TypedArrayFor<D> {
    const buf = this.#owner.memory.buffer;
    const p = this.byteOffset;
    const v =
      this.dtype === 'int8' ? new Int8Array(buf, p, this.#size)
      : this.dtype === 'int16' ? new Int16Array(buf, p, this.#size)
      : this.dtype === 'int32' ? new Int32Array(buf, p, this.#size)
      : new Float32Array(buf, p, this.#size);
    return v as TypedArrayFor<D>;
  }

  /** A copy of the data. */
  read(): TypedArrayFor<D> {
    return this.view().slice() as TypedArrayFor<D>;
  }

  /** Copies `data` in; integer dtypes reject values that are not integers in range. */
  write(data: ArrayLike<number>): this {
    if (data == null || typeof data.length !== 'number') throw new BackendWasmError('write() needs an array-like of numbers');
    if (data.length !== this.#size) {
      throw new BackendWasmError(`write(): ${data.length} values for a tensor of shape [${this.#shape.join(', ')}] (${this.#size} elements)`);
    }
    const range = RANGE[this.dtype];
    const exact = (this.dtype === 'int8' && data instanceof Int8Array) || (this.dtype === 'int16' && data instanceof Int16Array) || (this.dtype === 'int32' && data instanceof Int32Array);
    if (range && !exact) {
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
          throw new BackendWasmError(`write(): element ${i} = ${v} is not a ${this.dtype} (integer in [${range[0]}, ${range[1]}])`);
        }
      }
    }
    this.view().set(data);
    return this;
  }

  /** Changes the shape in place (same number of elements); no data moves. */
  reshape(shape: readonly number[]): this {
    const size = checkShape(shape);
    if (size !== this.#size) {
      throw new BackendWasmError(`reshape [${this.#shape.join(', ')}] -> [${shape.join(', ')}]: ${this.#size} elements vs ${size}`);
    }
    void this.byteOffset; // throws if disposed
    this.#shape = Object.freeze([...shape]);
    return this;
  }

  /**
   * A second handle on the same memory with another shape (same element count), e.g. the
   * [n * h * w, c] rows of an NHWC activation, or a reshape / flatten node's output. No data
   * moves. Disposing the alias does nothing; disposing this tensor invalidates every alias.
   */
  reshaped(shape: readonly number[]): WasmTensor<D> {
    const size = checkShape(shape);
    if (size !== this.#size) {
      throw new BackendWasmError(`reshaped [${this.#shape.join(', ')}] -> [${shape.join(', ')}]: ${this.#size} elements vs ${size}`);
    }
    void this.byteOffset; // throws if disposed
    return new WasmTensor(this.#owner, this.dtype, shape, this.#block, false);
  }

  /** Frees the memory (an alias only detaches). Idempotent; any later use throws. */
  dispose(): void {
    if (!this.#owns || this.#block.ptr < 0) return;
    this.#owner.heap.free(this.#block.ptr);
    this.#block.ptr = -1;
  }
}
