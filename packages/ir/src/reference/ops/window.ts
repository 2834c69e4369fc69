import type { Pads, Pair } from '../../ops/attr-types.ts';

/** A sliding window's geometry (shape.windowOutputSize): kernel [KH, KW], strides, dilations, pads [t, l, b, r]. */
export interface WindowGeometry {
  readonly kernel: Pair;
  readonly strides: Pair;
  readonly dilations: Pair;
  readonly pads: Pads;
}

/** One tap of a window: kernel position (i, j) and the image position (ih, iw) it reads. */
export interface Tap {
  readonly i: number;
  readonly j: number;
  readonly ih: number;
  readonly iw: number;
}

/**
 * The taps of window (oh, ow) that lie inside a height x width image: kernel row i reads image row
 * oh*sh - top + i*dh, kernel column j reads column ow*sw - left + j*dw. Taps in the padding are left
 * out: a convolution reads the zero point there (x - z_x = 0, nothing to add), a max pool never
 * picks them and an average does not count them.
 */
export function windowTaps(height: number, width: number, g: WindowGeometry, oh: number, ow: number): Tap[] {
  const taps: Tap[] = [];
  for (let i = 0; i < g.kernel[0]; i++) {
    const ih = oh * g.strides[0] - g.pads[0] + i * g.dilations[0];
    if (ih < 0 || ih >= height) continue;
    for (let j = 0; j < g.kernel[1]; j++) {
      const iw = ow * g.strides[1] - g.pads[1] + j * g.dilations[1];
      if (iw >= 0 && iw < width) taps.push({ i, j, ih, iw });
    }
  }
  return taps;
}
