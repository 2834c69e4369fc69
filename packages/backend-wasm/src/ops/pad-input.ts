// A padded copy of a conv's NHWC int8 input (assembly/conv/pad-s8-nhwc.ts), so every window lies
// inside its image: int8 codes with zero-point pads, for the relaxed conv. (The kernel's int16 x - zp
// mode is the dot16 indirect conv's, which makes its copies itself, image by image, in each thread's
// buffer.)
// A threaded session runs this kernel on the main thread (src/threads splits only the conv after it),
// and every thread then reads the one copy.
import type { KernelContext, Scratch } from '../context.ts';
import { checkInt, fail } from '../validate.ts';

export interface PaddedInput {
  /** The input's shape, NHWC. */
  readonly shape: readonly [number, number, number, number];
  /** Pads [top, bottom, left, right] in pixels. */
  readonly pads: readonly [number, number, number, number];
  readonly zeroPoint: number;
  /** Rows and columns of a padded image. */
  readonly paddedH: number;
  readonly paddedW: number;
  /** Bytes of one padded image row, and of the whole copy. */
  readonly rowBytes: number;
  readonly bytes: number;
}

// A kernel may read a few bytes past the last window (a zero weight's tap): kept inside the block.
const SLACK_BYTES = 16;

/** Checks and sizes the padded copy of an NHWC input; done once, when a call is bound. */
export function paddedInput(
  op: string, shape: readonly number[], pads: readonly number[], zeroPoint: number,
): PaddedInput {
  if (!Array.isArray(shape) || shape.length !== 4) fail(op, `padded input: shape must be [n, h, w, c], got ${String(shape)}`);
  if (!Array.isArray(pads) || pads.length !== 4) fail(op, `padded input: pads must be [top, bottom, left, right], got ${String(pads)}`);
  const [n, h, w, c] = shape.map((d, i) => checkInt(op, `padded input shape[${i}]`, d, 1, 2 ** 30));
  const [top, bottom, left, right] = pads.map((d, i) => checkInt(op, `padded input pads[${i}]`, d, 0, 2 ** 20));
  checkInt(op, 'padded input zero point', zeroPoint, -128, 127);
  const [paddedH, paddedW] = [h + top + bottom, w + left + right];
  const rowBytes = paddedW * c;
  const bytes = n * paddedH * rowBytes;
  if (bytes > 2 ** 32) fail(op, `padded input: ${bytes} bytes do not fit the 4 GiB memory`);
  return { shape: [n, h, w, c], pads: [top, bottom, left, right], zeroPoint, paddedH, paddedW, rowBytes, bytes };
}

/** Writes the padded copy of the input at x into the scratch slot `slot`; returns its address. */
export function padInput(ctx: KernelContext, p: PaddedInput, x: number, slot: Scratch): number {
  const dst = ctx.scratch(slot, p.bytes + SLACK_BYTES);
  const [n, h, w, c] = p.shape;
  const [top, bottom, left, right] = p.pads;
  ctx.raw.pad_s8_nhwc(n, h, w, c, top, bottom, left, right, x, p.zeroPoint, 0, dst);
  return dst;
}
