import type { OpSchema } from './schema.ts';
import { input } from './schema.ts';
import { INT_INPUT, INT_OUTPUT, POOL_ATTRS, poolWindow } from './common.ts';

/**
 * maxPool: x [N, H, W, C] (int8/uint8) -> y [N, Ho, Wo, C] with y's dtype and quant params EQUAL to
 * x's (max commutes with a monotonic affine map, so codes pass through unchanged).
 * attrs: kernel [KH, KW], strides [sh, sw], pads [top, left, bottom, right] (each pad < its kernel
 * side), clamp [lo, hi] (a ReLU after the pool; the whole grid when there is none).
 *
 *   y[n, oh, ow, c] = clamp(max over i < KH, j < KW of x[n, oh*sh - top + i, ow*sw - left + j, c], lo, hi),
 *   the max over positions inside the image only (padding never wins; every window holds one real element).
 */
export const maxPool: OpSchema = {
  op: 'maxPool',
  inputs: INT_INPUT,
  outputs: INT_OUTPUT,
  attrs: POOL_ATTRS,
  infer(ctx) {
    const x = input(ctx, 0);
    const { ho, wo } = poolWindow(ctx);
    return [{ shape: [x.shape[0], ho, wo, x.shape[3]], dtype: x.dtype as 'int8' | 'uint8', quant: x.quant }];
  },
};
