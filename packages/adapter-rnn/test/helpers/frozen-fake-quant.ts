// A float64 model of fake quantization with each element's rounding held fixed, for finite-difference
// checks of straight-through gradients (docs/numerics.md: the STE gradients are the exact derivatives
// of fake quantization with each rounding offset held fixed; clipped elements are constant).
export interface Grid {
  readonly scale: ArrayLike<number>;
  readonly zeroPoint: ArrayLike<number>;
  readonly qmin: number;
  readonly qmax: number;
}

const roundHalfEven = (v: number) => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * Records, on the first pass, each fake-quantization site's offset (inside the grid) or value
 * (clipped), and replays them afterwards: fq(v) = v + offset, or the clipped value, constant.
 */
export class FrozenQuantizer {
  private readonly sites: Array<{ inside: boolean; value: number }> = [];
  private at = 0;
  recording = true;

  /** Starts a pass (the sites are visited in the same order every pass). */
  restart(): void {
    this.at = 0;
  }

  fq(v: number, g: Grid, channel = 0): number {
    if (!this.recording) {
      const s = this.sites[this.at++];
      return s.inside ? v + s.value : s.value;
    }
    const scale = g.scale[g.scale.length === 1 ? 0 : channel];
    const z = g.zeroPoint[g.zeroPoint.length === 1 ? 0 : channel];
    const code = roundHalfEven(Math.fround(v / scale)) + z;
    const q = Math.min(g.qmax, Math.max(g.qmin, code));
    const y = (q - z) * scale;
    const inside = code >= g.qmin && code <= g.qmax;
    this.sites.push({ inside, value: inside ? y - v : y });
    return y;
  }

  /** The bias rounded to multiples of `unit` (no clip), STE. */
  round(v: number, unit: number): number {
    return this.fq(v, { scale: [unit], zeroPoint: [0], qmin: -(2 ** 31), qmax: 2 ** 31 - 1 });
  }
}
