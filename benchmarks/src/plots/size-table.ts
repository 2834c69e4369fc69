import type { Row } from '../results.ts';

/** Markdown: model file bytes per format, and the share of the FP32 weights' bytes. */
export function sizeTable(rows: readonly Row[]): string {
  const out = ['| model | format | bytes | of FP32 weights | JSON header bytes | quant table bytes |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    out.push(`| ${r.model} | ${r.format} | ${r.bytes} | ${(100 * Number(r.ratio)).toFixed(2)}% | ${r.headerBytes ?? ''} | ${r.quantBytes ?? ''} |`);
  }
  return out.join('\n') + '\n';
}

/** Markdown: ms per batch and speed-up over tfjs-wasm FP32. */
export function e2eTable(rows: readonly Row[]): string {
  const out = ['| model | batch | engine | weights | ms per batch | speed-up |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    out.push(`| ${r.model} | ${r.batch} | ${r.engine} | ${r.weights} | ${Number(r.msPerBatch).toFixed(3)} | ${Number(r.speedup).toFixed(2)}x |`);
  }
  return out.join('\n') + '\n';
}
