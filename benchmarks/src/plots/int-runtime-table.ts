import type { Row } from '../results.ts';

/**
 * Markdown: the QAT models of an accuracy suite converted and run on the int runtime: accuracy there
 * against the fake-quant model's (means over the seeds measured on the int runtime), the lowest argmax
 * agreement and the largest logit difference (in output quanta) over those seeds.
 */
export function intRuntimeTable(rows: readonly Row[]): string {
  const qat = rows.filter((r) => r.method === 'qat' && r.intRuntimeValue !== undefined);
  if (qat.length === 0) return '';
  const groups = new Map<string, Row[]>();
  for (const r of qat) {
    const k = [r.model, r.quantizer, r.wbits, r.abits, r.firstLastBits].join('|');
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const out = [
    '| model | quantizer | setting | fake-quant | int runtime | argmax agreement (min) | largest logit difference (quanta) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const rs of groups.values()) {
    const r = rs[0];
    const label = `W${r.wbits}A${r.abits}${r.firstLastBits !== r.wbits ? ` (first/last ${r.firstLastBits}-bit)` : ''}`;
    const ok = rs.filter((x) => typeof x.intRuntimeValue === 'number');
    // fake-quant over the same seeds as the int runtime, so the two columns compare like for like
    const seeds = ok.length > 0 && ok.length < rs.length ? ` (${ok.length} of ${rs.length} seeds)` : '';
    const fake = mean((ok.length > 0 ? ok : rs).map((x) => Number(x.value))).toFixed(2) + seeds;
    if (ok.length === 0) {
      out.push(`| ${r.model} | ${r.quantizer} | ${label} | ${fake} | ${String(r.intRuntimeNote ?? 'not measured').replace(/\|/g, '/')} | | |`);
      continue;
    }
    const int = mean(ok.map((x) => Number(x.intRuntimeValue))).toFixed(2);
    const agree = Math.min(...ok.map((x) => Number(x.intArgmaxAgreement))).toFixed(2);
    const diff = Math.max(...ok.map((x) => Number(x.intMaxQuantumDiff))).toFixed(3);
    out.push(`| ${r.model} | ${r.quantizer} | ${label} | ${fake} | ${int} | ${agree}% | ${diff} |`);
  }
  return out.join('\n') + '\n';
}
