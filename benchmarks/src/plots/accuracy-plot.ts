import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../results.ts';

const ORDER = ['FP32', 'W8A8', 'W4A8', 'W4A8 (8-bit ends)', 'W4A4', 'W4A4 (8-bit ends)', 'W2A2', 'W2A2 (8-bit ends)'];

function setting(r: Row): string {
  if (r.method === 'fp32') return 'FP32';
  const base = `W${r.wbits}A${r.abits}`;
  return r.firstLastBits !== r.wbits ? `${base} (8-bit ends)` : base;
}

/** Accuracy against bit width: mean over seeds as points, min..max as a rule, one colour per method. */
export function accuracyPlot(title: string, rows: readonly Row[], model: string): TopLevelSpec {
  const data = rows
    .filter((r) => r.model === model)
    .map((r) => ({ setting: setting(r), method: r.method === 'fp32' ? 'FP32' : `${String(r.method).toUpperCase()} ${r.quantizer}`, value: r.value }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 520,
    height: 280,
    data: { values: data },
    encoding: {
      x: { field: 'setting', type: 'ordinal', sort: ORDER, title: null, axis: { labelAngle: -30 } },
      color: { field: 'method', type: 'nominal', title: 'method' },
      xOffset: { field: 'method' },
    },
    layer: [
      { mark: { type: 'rule' }, encoding: { y: { aggregate: 'min', field: 'value', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false } }, y2: { aggregate: 'max', field: 'value' } } },
      { mark: { type: 'point', filled: true }, encoding: { y: { aggregate: 'mean', field: 'value', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}
