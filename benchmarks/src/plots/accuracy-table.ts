import type { Row } from '../results.ts';
import { settingKey, settingLabel } from './setting.ts';

interface Group {
  model: string;
  method: string;
  quantizer: string;
  setting: string;
  label: string;
  values: number[];
}

function key(r: Row): string {
  return [r.model, r.method, r.quantizer, settingKey(r)].join('|');
}

function stats(v: number[]): { mean: number; min: number; max: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return { mean, min: Math.min(...v), max: Math.max(...v), std };
}

/**
 * Markdown: one table per model, a row per bit setting, a column per method/quantizer, cells
 * "mean ± std" over seeds, with `digits` decimals (2 for accuracy in %, 3 for bits per character).
 */
export function accuracyTable(rows: readonly Row[], digits = 2): string {
  const f = (v: number) => v.toFixed(digits);
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const g = groups.get(key(r)) ?? { model: String(r.model), method: String(r.method), quantizer: String(r.quantizer), setting: settingKey(r), label: settingLabel(r), values: [] };
    g.values.push(Number(r.value));
    groups.set(key(r), g);
  }
  const out: string[] = [];
  const models = [...new Set([...groups.values()].map((g) => g.model))];
  for (const model of models) {
    const gs = [...groups.values()].filter((g) => g.model === model);
    const fp32 = gs.find((g) => g.method === 'fp32');
    const column = (g: Group) => `${g.method.toUpperCase()} ${g.quantizer}`;
    const columns = [...new Set(gs.filter((g) => g.method !== 'fp32').map(column))];
    const settings = [...new Map(gs.filter((g) => g.method !== 'fp32').map((g) => [g.setting, g.label])).entries()];
    out.push(`### ${model}`, '');
    if (fp32) {
      const s = stats(fp32.values);
      const n = fp32.values.length;
      out.push(n > 1 ? `FP32: ${f(s.mean)} ± ${f(s.std)} (min ${f(s.min)}, max ${f(s.max)}, ${n} seeds)` : `FP32: ${f(s.mean)} (1 seed)`, '');
    }
    if (rows.some((r) => r.model === model && r.residualPathBits !== undefined)) {
      out.push(`Below 8-bit activations the residual path (the two tensors each Add sums) stays at ${rows.find((r) => r.model === model && r.residualPathBits !== undefined)?.residualPathBits} bits; the Add's output, which feeds the next convolutions, is at the setting's width.`, '');
    }
    out.push(`| setting | ${columns.join(' | ')} |`, `| --- | ${columns.map(() => '---').join(' | ')} |`);
    for (const [setting, label] of settings) {
      const cells = columns.map((c) => {
        const g = gs.find((x) => column(x) === c && x.setting === setting);
        if (!g) return '';
        const st = stats(g.values);
        return g.values.length > 1 ? `${f(st.mean)} ± ${f(st.std)}` : f(st.mean);
      });
      out.push(`| ${label} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
