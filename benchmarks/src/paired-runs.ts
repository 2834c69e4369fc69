// Times two synchronous tasks run by run, in interleaved rounds (A B, B A, A B, ...): both see the
// same machine state, round by round, so their ratio holds while the load drifts. Every run is a
// sample: medians, tails and per-round ratios come from the same data.

export interface PairedOptions {
  /** Rounds; each runs A `perRound` times and B `perRound` times, alternating which goes first. */
  readonly rounds: number;
  readonly perRound: number;
  /** Alternating A and B runs first, unmeasured, for this long (compilation, tier-up, caches). */
  readonly warmupMs: number;
  /** Called when the warm-up is over and the timed rounds begin. */
  readonly onStart?: () => void;
}

export interface PairedTimes {
  /** Every run's milliseconds, in order. */
  readonly a: number[];
  readonly b: number[];
  /** Each round's median of A over its median of B. */
  readonly roundRatios: number[];
}

/** The q-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function timeRuns(fn: () => unknown, count: number, into: number[]): number[] {
  const round: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    fn();
    round.push(performance.now() - t0);
  }
  into.push(...round);
  return round;
}

export function pairedRuns(a: () => unknown, b: () => unknown, opts: PairedOptions): PairedTimes {
  for (const end = performance.now() + opts.warmupMs; performance.now() < end; ) {
    a();
    b();
  }
  opts.onStart?.();
  const out: PairedTimes = { a: [], b: [], roundRatios: [] };
  for (let r = 0; r < opts.rounds; r++) {
    const first = r % 2 === 0;
    const ra = first ? timeRuns(a, opts.perRound, out.a) : [];
    const rb = timeRuns(b, opts.perRound, out.b);
    const ra2 = first ? ra : timeRuns(a, opts.perRound, out.a);
    out.roundRatios.push(quantile(ra2, 0.5) / quantile(rb, 0.5));
  }
  return out;
}
