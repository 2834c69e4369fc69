import { Bench } from 'tinybench';

export interface Task {
  readonly name: string;
  readonly fn: () => unknown | Promise<unknown>;
}

/**
 * Runs the tasks interleaved in one tinybench Bench and returns each one's median latency in ms.
 * Peers measured in the same run see the same machine state, so their ratio is what we report.
 */
export async function medianMs(tasks: readonly Task[], opts: { smoke: boolean; timeMs?: number }): Promise<Map<string, number>> {
  const bench = new Bench({
    time: opts.smoke ? 20 : (opts.timeMs ?? 1500),
    warmupTime: opts.smoke ? 5 : 300,
    iterations: opts.smoke ? 2 : 10,
  });
  for (const t of tasks) bench.add(t.name, t.fn);
  await bench.run();
  const out = new Map<string, number>();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') {
      const err = 'error' in r ? (r as { error?: unknown }).error : undefined;
      throw new Error(`benchmark task '${task.name}' did not complete (${r.state})${err ? `: ${String(err)}` : ''}`);
    }
    out.set(task.name, r.latency.p50);
  }
  return out;
}
