import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../results.ts';

/** GEMM throughput per shape and engine (Node's rows of a --runtimes run: the table has the others). */
export function gemmPlot(rows: readonly Row[]): TopLevelSpec {
  const data = rows.filter((r) => r.runtime === undefined || r.runtime === 'node').map((r) => ({ shape: `${r.m}x${r.n}x${r.k}`, engine: r.engine, gops: r.gops }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'int8 GEMM throughput on Node (GOP/s, one core, higher is better)',
    width: 520,
    height: 260,
    data: { values: data },
    mark: 'bar',
    encoding: {
      x: { field: 'shape', type: 'nominal', title: 'M x N x K', sort: null },
      xOffset: { field: 'engine' },
      y: { field: 'gops', type: 'quantitative', title: 'GOP/s' },
      color: { field: 'engine', type: 'nominal' },
    },
  } as TopLevelSpec;
}
