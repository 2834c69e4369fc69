import type { Row } from '../results.ts';
import { settingKey, settingLabel } from './setting.ts';

/**
 * Markdown: the quantized models of an accuracy suite converted and run on the int runtime: the
 * metric there against the fake-quant model's (means over the seeds measured on the int runtime),
 * the lowest argmax agreement and the largest logit difference in output quanta where the suite
 * measured them. `digits` decimals (2 for accuracy in %, 3 for bits per character).
 */
export function intRuntimeTable(rows: readonly Row[], digits = 2): string {
  const measured = rows.filter((r) => r.method !== 'fp32' && (r.intRuntimeValue !== undefined || r.intRuntimeNote !== undefined));
  if (measured.length === 0) return '';
  const groups = new Map<string, Row[]>();
  for (const r of measured) {
    const k = [r.model, r.method, r.quantizer, settingKey(r)].join('|');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const out = [
    '| model | method | quantizer | setting | fake-quant | int runtime | argmax agreement (min) | largest logit difference (quanta) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const rs of groups.values()) {
    const r = rs[0];
    const head = `| ${r.model} | ${String(r.method).toUpperCase()} | ${r.quantizer} | ${settingLabel(r)}`;
    const ok = rs.filter((x) => typeof x.intRuntimeValue === 'number');
    // fake-quant over the same seeds as the int runtime, so the two columns compare like for like
    const seeds = ok.length > 0 && ok.length < rs.length ? ` (${ok.length} of ${rs.length} seeds)` : '';
    const fake = mean((ok.length > 0 ? ok : rs).map((x) => Number(x.value))).toFixed(digits) + seeds;
    if (ok.length === 0) {
      out.push(`${head} | ${fake} | ${String(r.intRuntimeNote ?? 'not measured').replace(/\|/g, '/')} | | |`);
      continue;
    }
    const int = mean(ok.map((x) => Number(x.intRuntimeValue))).toFixed(digits);
    const agreements = ok.map((x) => x.intArgmaxAgreement).filter((v): v is number => typeof v === 'number');
    const diffs = ok.map((x) => x.intMaxQuantumDiff).filter((v): v is number => typeof v === 'number');
    const agree = agreements.length > 0 ? `${Math.min(...agreements).toFixed(2)}%` : '';
    const diff = diffs.length > 0 ? Math.max(...diffs).toFixed(3) : '';
    out.push(`${head} | ${fake} | ${int} | ${agree} | ${diff} |`);
  }
  return out.join('\n') + '\n';
}
