import type { Row } from '../results.ts';

interface Group {
  model: string;
  method: string;
  quantizer: string;
  wbits: number;
  abits: number;
  firstLastBits: number;
  values: number[];
}

function key(r: Row): string {
  return [r.model, r.method, r.quantizer, r.wbits, r.abits, r.firstLastBits].join('|');
}

function stats(v: number[]): { mean: number; min: number; max: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return { mean, min: Math.min(...v), max: Math.max(...v), std };
}

/**
 * Markdown: one table per model, a row per bit setting, a column per method/quantizer, cells
 * "mean ± std (n)" over seeds.
 */
export function accuracyTable(rows: readonly Row[]): string {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const g = groups.get(key(r)) ?? { model: String(r.model), method: String(r.method), quantizer: String(r.quantizer), wbits: Number(r.wbits), abits: Number(r.abits), firstLastBits: Number(r.firstLastBits), values: [] };
    g.values.push(Number(r.value));
    groups.set(key(r), g);
  }
  const out: string[] = [];
  const models = [...new Set([...groups.values()].map((g) => g.model))];
  for (const model of models) {
    const gs = [...groups.values()].filter((g) => g.model === model);
    const fp32 = gs.find((g) => g.method === 'fp32');
    const columns = [...new Set(gs.filter((g) => g.method !== 'fp32').map((g) => `${g.method.toUpperCase()} ${g.quantizer}`))];
    const settings = [...new Set(gs.filter((g) => g.method !== 'fp32').map((g) => `${g.wbits}|${g.abits}|${g.firstLastBits}`))];
    out.push(`### ${model}`, '');
    if (fp32) {
      const s = stats(fp32.values);
      out.push(`FP32: ${s.mean.toFixed(2)} ± ${s.std.toFixed(2)} (min ${s.min.toFixed(2)}, max ${s.max.toFixed(2)}, ${fp32.values.length} seeds)`, '');
    }
    if (rows.some((r) => r.model === model && r.residualPathBits !== undefined)) {
      out.push(`Below 8-bit activations the residual path (the two tensors each Add sums) stays at ${rows.find((r) => r.model === model && r.residualPathBits !== undefined)?.residualPathBits} bits; the Add's output, which feeds the next convolutions, is at the setting's width.`, '');
    }
    out.push(`| setting | ${columns.join(' | ')} |`, `| --- | ${columns.map(() => '---').join(' | ')} |`);
    for (const s of settings) {
      const [w, a, fl] = s.split('|').map(Number);
      const label = `W${w}A${a}${fl !== w ? ` (first/last ${fl}-bit)` : ''}`;
      const cells = columns.map((c) => {
        const g = gs.find((x) => `${x.method.toUpperCase()} ${x.quantizer}` === c && `${x.wbits}|${x.abits}|${x.firstLastBits}` === s);
        if (!g) return '';
        const st = stats(g.values);
        return `${st.mean.toFixed(2)} ± ${st.std.toFixed(2)}`;
      });
      out.push(`| ${label} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
