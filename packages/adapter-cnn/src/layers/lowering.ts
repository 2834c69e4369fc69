import { windowPads } from '@qatjs/ir';
import type { LoweringContext } from '@qatjs/core';
import type { Padding } from './options.ts';

/** IR pads [top, left, bottom, right] of a layer's padding for an input value, as tfjs pads it. */
export function irPads(ctx: LoweringContext, input: string, padding: Padding, kernel: readonly [number, number], strides: readonly [number, number], dilation: readonly [number, number] = [1, 1]): [number, number, number, number] {
  const shape = ctx.builder.info(input).shape;
  const [top, bottom] = windowPads(padding, shape[1], kernel[0], strides[0], dilation[0]);
  const [left, right] = windowPads(padding, shape[2], kernel[1], strides[1], dilation[1]);
  return [top, left, bottom, right];
}
