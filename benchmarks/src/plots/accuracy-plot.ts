import type { TopLevelSpec } from 'vega-lite';
import type { Row } from '../results.ts';
import { settingLabel } from './setting.ts';

const ORDER = ['FP32', 'W8A8', 'W8A8 (16-bit residual)', 'W4A8', 'W4A8 (first/last 8-bit)', 'W4A4', 'W4A4 (first/last 8-bit)', 'W4A4 (8-bit residual)', 'W2A2', 'W2A2 (first/last 8-bit)'];

/**
 * A metric against bit width: mean over seeds as points, min..max as a rule, one colour per method.
 * `yTitle` names the metric (test accuracy by default; bits per character for the language models).
 */
export function accuracyPlot(title: string, rows: readonly Row[], model: string, yTitle = 'test accuracy (%)'): TopLevelSpec {
  const data = rows
    .filter((r) => r.model === model)
    .map((r) => ({ setting: settingLabel(r), method: r.method === 'fp32' ? 'FP32' : `${String(r.method).toUpperCase()} ${r.quantizer}`, value: r.value }));
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
      { mark: { type: 'rule' }, encoding: { y: { aggregate: 'min', field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } }, y2: { aggregate: 'max', field: 'value' } } },
      { mark: { type: 'point', filled: true }, encoding: { y: { aggregate: 'mean', field: 'value', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}
