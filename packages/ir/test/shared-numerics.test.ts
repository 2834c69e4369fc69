import { describe, expect, it } from 'vitest';
import { IntModelError, activationClamp, makeQuant, roundHalfEven, windowPads } from '@qatjs/ir';
import { expectModelError } from './helpers.ts';

// activationClamp and windowPads replace copies in core, adapter-cnn and backend-wasm; these tests
// hold them to what those copies computed (transcribed below as they were).

/** core's LoweringContext.clampFor (int8 grids of any bits), as it was. */
function coreClampFor(bits: number, scale: number, zp: number, activation: string): [number, number] {
  const qmin = -(2 ** (bits - 1));
  const qmax = 2 ** (bits - 1) - 1;
  if (activation === 'none') return [qmin, qmax];
  const lo = Math.min(qmax, Math.max(qmin, zp));
  const hi = activation === 'relu6' ? Math.min(qmax, zp + roundHalfEven(6 / scale)) : qmax;
  return [lo, Math.max(lo, hi)];
}

/** backend-wasm's activationClamp (8-bit int8 only), as it was. */
function wasmActivationClamp(scale: number, zp: number, activation: string): [number, number] {
  if (activation === 'none') return [-128, 127];
  const min = Math.max(-128, zp);
  const max = activation === 'relu6' ? Math.min(127, zp + roundHalfEven(6 / scale)) : 127;
  return [min, Math.max(min, max)];
}

/** backend-wasm's 'same' axis (ops/window.ts), as it was: [before, after]. */
function wasmSame(size: number, k: number, s: number, d: number): [number, number] {
  const span = (k - 1) * d + 1;
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + span - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const ACTIVATIONS = ['none', 'relu', 'relu6'] as const;
const SCALES = [1e-3, 0.01, 0.02, 0.023529412, 0.0470588, 0.05, 0.1, 0.25, 0.5, 1, 2, 6, 12, 100];

describe('activationClamp', () => {
  it('agrees with core clampFor on every int8 grid of 2..8 bits', () => {
    for (let bits = 2; bits <= 8; bits++) {
      for (let zp = -(2 ** (bits - 1)); zp < 2 ** (bits - 1); zp++) {
        for (const s of SCALES) {
          for (const a of ACTIVATIONS) {
            const quant = makeQuant({ scale: s, zeroPoint: zp, bits });
            expect(activationClamp(a, quant)).toEqual(coreClampFor(bits, quant.scale[0], zp, a));
          }
        }
      }
    }
  });

  it('agrees with backend-wasm activationClamp on 8-bit int8', () => {
    for (let zp = -128; zp < 128; zp++) {
      for (const s of SCALES) {
        for (const a of ACTIVATIONS) {
          const quant = makeQuant({ scale: s, zeroPoint: zp });
          expect(activationClamp(a, quant, 'int8')).toEqual(wasmActivationClamp(quant.scale[0], zp, a));
        }
      }
    }
  });

  it('works in uint8 codes', () => {
    expect(activationClamp('none', makeQuant({ scale: 0.1, zeroPoint: 128 }), 'uint8')).toEqual([0, 255]);
    expect(activationClamp('relu', makeQuant({ scale: 0.1, zeroPoint: 128 }), 'uint8')).toEqual([128, 255]);
    // 6 / 0.05 = 120 (float64 of fround(0.05) is just above 0.05: 119.99999821 -> 120); 10 + 120 = 130
    expect(activationClamp('relu6', makeQuant({ scale: 0.05, zeroPoint: 10 }), 'uint8')).toEqual([10, 130]);
    expect(activationClamp('relu6', makeQuant({ scale: 0.01, zeroPoint: 0 }), 'uint8')).toEqual([0, 255]);
    expect(activationClamp('relu6', makeQuant({ scale: 1, zeroPoint: 3, bits: 4 }), 'uint8')).toEqual([3, 9]);
  });

  it('rounds 6 / s half to even, and never gives lo > hi', () => {
    // 6 / 4 = 1.5 -> 2; 6 / 12 = 0.5 -> 0; zp 127: relu6 [127, 127]
    expect(activationClamp('relu6', makeQuant({ scale: 4, zeroPoint: 0 }))).toEqual([0, 2]);
    expect(activationClamp('relu6', makeQuant({ scale: 12, zeroPoint: 5 }))).toEqual([5, 5]);
    expect(activationClamp('relu6', makeQuant({ scale: 0.1, zeroPoint: 127 }))).toEqual([127, 127]);
  });

  it('rejects bad arguments with an IntModelError naming them', () => {
    expectModelError(() => activationClamp('gelu' as 'relu', makeQuant({ scale: 1 })), 'activation');
    expectModelError(() => activationClamp('relu', makeQuant({ scale: 1 }), 'int4' as 'int8'), 'dtype');
    expectModelError(() => activationClamp('relu', makeQuant({ scale: [1, 2], axis: 0 })), 'quant.scale');
    expectModelError(() => activationClamp('relu', makeQuant({ scale: 1, zeroPoint: 200 })), 'quant.zeroPoint[0]');
    expectModelError(() => activationClamp('relu', makeQuant({ scale: 1, zeroPoint: -1 }), 'uint8'), 'quant.zeroPoint[0]');
    expectModelError(() => activationClamp('relu', makeQuant({ scale: 1, bits: 9 })), 'quant.bits');
    expectModelError(() => activationClamp('relu', { scale: Float32Array.of(0), zeroPoint: Int32Array.of(0), bits: 8 }), 'quant.scale[0]');
    expect(() => activationClamp('relu', null as never)).toThrow(IntModelError);
  });
});

describe('windowPads', () => {
  it("'same' is TF's: the odd pixel after, agreeing with backend-wasm's copy", () => {
    for (let size = 1; size <= 20; size++) {
      for (let k = 1; k <= 5; k++) {
        for (let s = 1; s <= 4; s++) {
          for (let d = 1; d <= 3; d++) expect(windowPads('same', size, k, s, d)).toEqual(wasmSame(size, k, s, d));
        }
      }
    }
    expect(windowPads('same', 5, 2, 1, 1)).toEqual([0, 1]);
    expect(windowPads('same', 28, 5, 1, 1)).toEqual([2, 2]);
    expect(windowPads('same', 7, 3, 2, 2)).toEqual([2, 2]);
  });

  it("'valid' is no padding; a number pads both sides", () => {
    expect(windowPads('valid', 9, 3, 2, 1)).toEqual([0, 0]);
    expect(windowPads(2, 9, 3, 1, 1)).toEqual([2, 2]);
    expect(windowPads(0, 9, 3, 1, 1)).toEqual([0, 0]);
  });

  it('rejects bad arguments', () => {
    expectModelError(() => windowPads('full' as 'same', 4, 3, 1, 1), 'mode');
    expectModelError(() => windowPads(-1, 4, 3, 1, 1), 'mode');
    expectModelError(() => windowPads(1.5, 4, 3, 1, 1), 'mode');
    expectModelError(() => windowPads('same', 0, 3, 1, 1), 'inputSize');
    expectModelError(() => windowPads('same', 4, 3, 0, 1), 'stride');
    expectModelError(() => windowPads('same', 4, 3, 1, 1.5), 'dilation');
  });
});
