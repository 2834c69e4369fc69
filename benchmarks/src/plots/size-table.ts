import type { Row } from '../results.ts';

/** Markdown: model file bytes per format, and the share of the FP32 weights' bytes. */
export function sizeTable(rows: readonly Row[]): string {
  const out = ['| model | format | bytes | of FP32 weights | JSON header bytes | quant table bytes |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    out.push(`| ${r.model} | ${r.format} | ${r.bytes} | ${(100 * Number(r.ratio)).toFixed(2)}% | ${r.headerBytes ?? ''} | ${r.quantBytes ?? ''} |`);
  }
  return out.join('\n') + '\n';
}

/** Markdown: ms per batch and speed-up over tfjs-wasm FP32 (and the runtime, for a --runtimes run). */
export function e2eTable(rows: readonly Row[]): string {
  const rt = rows.some((r) => r.runtime !== undefined);
  const out = [`| ${rt ? 'runtime | ' : ''}model | batch | engine | weights | ms per batch | speed-up |`, `| ${rt ? '--- | ' : ''}--- | --- | --- | --- | --- | --- |`];
  for (const r of rows) {
    out.push(`| ${rt ? `${r.runtime} | ` : ''}${r.model} | ${r.batch} | ${r.engine} | ${r.weights} | ${Number(r.msPerBatch).toFixed(3)} | ${Number(r.speedup).toFixed(2)}x |`);
  }
  return out.join('\n') + '\n';
}

/** Markdown: GOP/s per shape and engine, the ratio to tfjs-wasm f32 of the same shape and runtime, the share of the plain-SIMD peak. */
export function gemmTable(rows: readonly Row[]): string {
  const rt = rows.some((r) => r.runtime !== undefined);
  const f32 = (r: Row) => rows.find((o) => o.engine === 'tfjs-wasm-f32' && o.runtime === r.runtime && o.m === r.m && o.n === r.n && o.k === r.k);
  const out = [`| ${rt ? 'runtime | ' : ''}M x N x K | engine | GOP/s | x tfjs f32 | of plain peak |`, `| ${rt ? '--- | ' : ''}--- | --- | --- | --- | --- |`];
  for (const r of rows) {
    const base = f32(r);
    const ratio = base && !String(r.engine).startsWith('wasm-simd-peak') ? `${(Number(r.gops) / Number(base.gops)).toFixed(2)}x` : '';
    out.push(`| ${rt ? `${r.runtime} | ` : ''}${r.m}x${r.n}x${r.k} | ${r.engine} | ${Number(r.gops).toFixed(1)} | ${ratio} | ${r.ofPeak === undefined ? '' : Number(r.ofPeak).toFixed(2)} |`);
  }
  return out.join('\n') + '\n';
}
