import * as tf from '@tensorflow/tfjs-core';
import { codeRange, quantizeValue } from '@qatjs/ir';
import type { QParams } from '../observers/qparams.ts';
import type { Quantizer } from '../quantizer/quantizer.ts';

// What convert() checks before it lowers a quantization point: that the quantizer's values are what
// the integer model will compute (docs/guides/writing-a-quantizer.md, "What convert() checks").
// Each check returns a problem to report, or undefined.

const who = (q: Quantizer): string => `quantizer '${q.quantizer}'`;

/** The quantizer declares an affine grid: apply() gives (q - zeroPoint) * scale, q an integer in [qmin, qmax]. */
export function affineProblem(q: Quantizer): string | undefined {
  if (q.affine === true) return undefined;
  return `${who(q)} is not affine (affine: ${String(q.affine)}): its values are not (q - zeroPoint) * scale on an integer grid, which is what the integer model computes`;
}

/**
 * The int8 grid an activation point's values take in the integer model: the spec's signed b-bit
 * range, unsigned grids moved down by 2^(b-1). qparams()'s [qmin, qmax] must be exactly that range:
 * the integer model clamps to the whole grid, so a narrower one would compute a different model.
 */
export function activationGridProblem(q: Quantizer, p: QParams, shift: number): string | undefined {
  const grid = codeRange(q.spec.bits, true);
  if (p.qmin - shift === grid.qmin && p.qmax - shift === grid.qmax) return undefined;
  const full = codeRange(q.spec.bits, q.spec.signed);
  return (
    `${who(q)} declares the grid [${p.qmin}, ${p.qmax}] on a ${q.spec.bits}-bit ${q.spec.signed ? 'signed' : 'unsigned'} spec, ` +
    `whose integer grid is [${full.qmin}, ${full.qmax}]; the integer model would clamp to the whole grid and compute a different model`
  );
}

/** The weight's codes (q, one per element) from qparams(): quantizeValue with the channel's scale and zero point. */
export function weightCodes(w: tf.Tensor, p: QParams, channelAxis: number): Int32Array {
  const values = w.dataSync();
  const codes = new Int32Array(values.length);
  let inner = 1;
  for (let i = channelAxis + 1; i < w.rank; i++) inner *= w.shape[i];
  for (let i = 0; i < values.length; i++) {
    const c = p.scale.length === 1 ? 0 : Math.floor(i / inner) % p.scale.length;
    codes[i] = quantizeValue(values[i], p.scale[c], p.zeroPoint[c], p.qmin, p.qmax);
  }
  return codes;
}

/**
 * The weight's codes must be what the quantizer's own eval-mode fake quantization gives: apply(w)
 * element for element equal to (code - zeroPoint) * scale. Otherwise the quantizer rounds, clamps or
 * spaces its values differently from what qparams() says, and the integer model would differ.
 */
export function weightMismatchProblem(q: Quantizer, w: tf.Tensor, p: QParams, codes: Int32Array, channelAxis: number): string | undefined {
  const applied = tf.tidy(() => q.apply(w, { training: false, observe: false, fakeQuant: true }).dataSync());
  let inner = 1;
  for (let i = channelAxis + 1; i < w.rank; i++) inner *= w.shape[i];
  let bad = 0;
  let first = -1;
  for (let i = 0; i < codes.length; i++) {
    const c = p.scale.length === 1 ? 0 : Math.floor(i / inner) % p.scale.length;
    if (Math.fround((codes[i] - p.zeroPoint[c]) * p.scale[c]) !== applied[i]) {
      if (bad++ === 0) first = i;
    }
  }
  if (bad === 0) return undefined;
  const c = p.scale.length === 1 ? 0 : Math.floor(first / inner) % p.scale.length;
  return (
    `${who(q)}'s fake-quantized weights differ from the weights re-rounded from its qparams() in ${bad} of ${codes.length} elements ` +
    `(element ${first}: apply() gives ${applied[first]}, qparams() gives code ${codes[first]}, zero point ${p.zeroPoint[c]}, scale ${p.scale[c]}: ` +
    `${Math.fround((codes[first] - p.zeroPoint[c]) * p.scale[c])}); the integer model would store different weights`
  );
}
