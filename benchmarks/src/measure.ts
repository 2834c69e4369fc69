import { Bench } from 'tinybench';

export interface Task {
  readonly name: string;
  readonly fn: () => unknown | Promise<unknown>;
}

/**
 * Median latency (ms) of each task, measured with tinybench in alternating rounds (A, B, A, B, ...),
 * each round a tinybench run per task; the result is the median of a task's round medians. Peers
 * measured this way see the same machine state, so their ratio holds even when the load drifts.
 */
export async function medianMs(tasks: readonly Task[], opts: { smoke: boolean; timeMs?: number; rounds?: number }): Promise<Map<string, number>> {
  const rounds = opts.smoke ? 1 : (opts.rounds ?? 5);
  const perRound = opts.smoke ? 20 : (opts.timeMs ?? 1500) / rounds;
  const medians = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const t of tasks) {
      const bench = new Bench({ time: perRound, warmupTime: opts.smoke ? 5 : r === 0 ? 300 : 50, iterations: opts.smoke ? 2 : 5 });
      bench.add(t.name, t.fn);
      await bench.run();
      const res = bench.tasks[0].result;
      if (res.state !== 'completed') {
        const err = 'error' in res ? (res as { error?: unknown }).error : undefined;
        throw new Error(`benchmark task '${t.name}' did not complete (${res.state})${err ? `: ${String(err)}` : ''}`);
      }
      medians.get(t.name)?.push(res.latency.p50);
    }
  }
  const out = new Map<string, number>();
  for (const [name, ms] of medians) {
    const sorted = [...ms].sort((a, b) => a - b);
    out.set(name, sorted[Math.floor(sorted.length / 2)]);
  }
  return out;
}
