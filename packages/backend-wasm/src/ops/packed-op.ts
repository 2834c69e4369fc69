// Base of the ops created once with packed weights in WASM memory: owns that block, frees it on
// dispose, and refuses to run afterwards.
import type { KernelContext } from '../context.ts';
import { fail } from '../validate.ts';

export abstract class PackedWeightsOp {
  protected readonly ctx: KernelContext;
  #ptr: number;
  readonly #bytes: number;

  protected constructor(ctx: KernelContext, ptr: number, bytes: number) {
    this.ctx = ctx;
    this.#ptr = ptr;
    this.#bytes = bytes;
  }

  /** Address of the packed weights; throws once disposed. */
  protected packed(op: string): number {
    if (this.#ptr < 0) fail(op, 'the op was disposed');
    return this.#ptr;
  }

  /** Bytes of WASM memory the packed weights take (0 once disposed). */
  get packedBytes(): number {
    return this.#ptr < 0 ? 0 : this.#bytes;
  }

  get disposed(): boolean {
    return this.#ptr < 0;
  }

  /** Frees the packed weights. Idempotent. */
  dispose(): void {
    if (this.#ptr < 0) return;
    this.ctx.heap.free(this.#ptr);
    this.#ptr = -1;
  }
}
