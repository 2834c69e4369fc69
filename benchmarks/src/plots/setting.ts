import type { Row } from '../results.ts';

/**
 * One bit-width setting of an accuracy row: weights, activations, the first/last layers' width and
 * a residual stream kept wider (the transformer's w8a8-res16), integer-only nonlinearities (w8a8-ibert):
 * rows that differ in any of them are different recipes, never seeds of one.
 */
export function settingKey(r: Row): string {
  return [r.wbits, r.abits, r.firstLastBits, r.residualBits ?? '', r.integerOnly === true ? 'int' : ''].join('|');
}

/** "W8A8", "W4A4 (first/last 8-bit)", "W8A8 (16-bit residual)", "... integer-only"; "FP32" for the float rows. */
export function settingLabel(r: Row): string {
  if (r.method === 'fp32') return 'FP32';
  const ends = r.firstLastBits !== r.wbits ? ` (first/last ${String(r.firstLastBits)}-bit)` : '';
  const residual = r.residualBits !== undefined ? ` (${String(r.residualBits)}-bit residual)` : '';
  return `W${String(r.wbits)}A${String(r.abits)}${ends}${residual}${r.integerOnly === true ? ' integer-only (I-BERT)' : ''}`;
}
