import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../results.ts';

/** Inference speed-up of the int runtime over the float model on tfjs-backend-wasm, per model and batch. */
export function e2ePlot(rows: readonly Row[]): TopLevelSpec {
  const data = rows
    .filter((r) => r.engine === 'qatjs-int8' && (r.runtime === undefined || r.runtime === 'node'))
    .map((r) => ({ case: `${r.model}, batch ${r.batch}`, weights: `${r.weights} weights`, speedup: r.speedup }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Inference on Node: int runtime speed-up over FP32 on tfjs-backend-wasm (higher is better)',
    width: 520,
    height: 240,
    data: { values: data },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x: { field: 'case', type: 'nominal', title: null, sort: null },
          xOffset: { field: 'weights' },
          y: { field: 'speedup', type: 'quantitative', title: 'speed-up (x)' },
          color: { field: 'weights', type: 'nominal' },
        },
      },
      { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: 1 } } },
    ],
  } as TopLevelSpec;
}
