import { describe, expect, it } from 'vitest';
import { ModelBuilder, decodeModel, encodeModel, makeQuant, runReference } from '@qatjs/ir';
import { buildCase, deriveGru, deriveLstm, type RecurrentCase } from './recurrent-helpers.ts';
import { expectModelError } from './helpers.ts';

// lstm and gru: the reference against an independent re-derivation of the schema formulas, on
// small random cases covering each option.

const base: RecurrentCase = {
  op: 'lstm', batch: 2, steps: 4, inputSize: 3, hidden: 3, weights: 'int8', perChannel: true, perChannelGates: false,
  xDtype: 'int8', hDtype: 'int8', withBias: true, withState: false, reverse: false, dynamicSteps: false, gateBits: 16,
};

const variants: Array<[string, Partial<RecurrentCase>]> = [
  ['per-channel weights, per-tensor gates, no state', {}],
  ['reverse, h0/c0 given', { reverse: true, withState: true }],
  ['per-channel gates, uint8 x and h', { perChannelGates: true, xDtype: 'uint8', hDtype: 'uint8', withState: true }],
  ['int4 weights per tensor, no bias', { weights: 'int4', perChannel: false, withBias: false }],
  ['T a run-time size, 12-bit gates', { dynamicSteps: true, gateBits: 12, steps: 5, withState: true }],
  ['larger hidden, batch 3', { hidden: 5, batch: 3, inputSize: 4, steps: 3, reverse: true }],
];

function nontrivial(codes: ArrayLike<number>): void {
  expect(new Set(Array.from(codes)).size).toBeGreaterThan(3);
}

for (const op of ['lstm', 'gru'] as const) {
  describe(`${op} reference`, () => {
    variants.forEach(([what, v], i) => {
      it(`${what}: equals the re-derived formula code for code`, () => {
        const c: RecurrentCase = { ...base, ...v, op };
        const k = buildCase(c, 100 + i + (op === 'gru' ? 50 : 0));
        const model = decodeModel(encodeModel(k.model)); // the attrs survive the file format
        const out = runReference(model, k.inputs);
        if (op === 'lstm') {
          const want = deriveLstm(c, k);
          expect(Array.from(out.y)).toEqual(want.y);
          expect(Array.from(out.hT)).toEqual(want.hT);
          expect(out.cT).toBeInstanceOf(Int16Array);
          expect(Array.from(out.cT)).toEqual(want.cT);
          nontrivial(out.cT);
        } else {
          const want = deriveGru(c, k);
          expect(Array.from(out.y)).toEqual(want.y);
          expect(Array.from(out.hT)).toEqual(want.hT);
        }
        nontrivial(out.y);
        // y holds every step in time order: its last step (first, when reverse) is hT
        const { batch: B, steps: T, hidden: H } = c;
        const last = c.reverse ? 0 : T - 1;
        for (let b = 0; b < B; b++) expect(Array.from(out.y.slice((b * T + last) * H, (b * T + last + 1) * H))).toEqual(Array.from(out.hT.slice(b * H, b * H + H)));
      });
    });

    it('refuses a run with T > maxSteps, naming both', () => {
      const c: RecurrentCase = { ...base, op, dynamicSteps: true, steps: 17 };
      const k = buildCase(c, 7);
      expectModelError(() => runReference(k.model, k.inputs), /x$/, /T = 17 steps, more than maxSteps = 16/);
    });
  });
}

describe('lstm and gru validation', () => {
  const hq = makeQuant({ scale: 1 / 127 });
  const cq = makeQuant({ scale: 2 ** -11, bits: 16 });
  const gates = makeQuant({ scale: 2 ** -12, bits: 16 });
  function parts(wz = 0, uShape = [2, 8]) {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, -2, 3], makeQuant({ scale: 0.05 }));
    const w = b.constant({ name: 'W', dtype: 'int8', shape: [3, 8], quant: makeQuant({ scale: 0.01, zeroPoint: wz }), data: new Int8Array(24) });
    const u = b.constant({ name: 'U', dtype: 'int8', shape: uShape, quant: makeQuant({ scale: 0.01 }), data: new Int8Array(uShape[0] * uShape[1]) });
    return { b, x, w, u };
  }

  it('refuses asymmetric weights, a U that is not [H, 4H], and a bad gate grid, naming the input or attr', () => {
    let p = parts(1);
    expectModelError(() => p.b.lstm(p.x, p.w, p.u, { gates, maxSteps: 9 }, { hidden: { dtype: 'int8', quant: hq }, cell: cq }), 'nodes[0].inputs[1]', /weights 'W' must be symmetric \(zero points 0\); zero point \[0\] is 1/);
    p = parts(0, [3, 8]);
    expectModelError(() => p.b.lstm(p.x, p.w, p.u, { gates, maxSteps: 9 }, { hidden: { dtype: 'int8', quant: hq }, cell: cq }), 'nodes[0].inputs[2]', /recurrent weights 'U' must have shape \[H, 4H\], got \[3, 8\]/);
    p = parts();
    const three = makeQuant({ scale: [1, 1, 1], bits: 16, axis: 0 });
    expectModelError(() => p.b.lstm(p.x, p.w, p.u, { gates: three, maxSteps: 9 }, { hidden: { dtype: 'int8', quant: hq }, cell: cq }), 'nodes[0].attrs.gateScales', /1 \(per-tensor\) or 8 \(per gate row\) scales, got 3/);
    expectModelError(() => p.b.lstm(p.x, p.w, p.u, { gates: makeQuant({ scale: 1, zeroPoint: 3, bits: 16 }), maxSteps: 9 }, { hidden: { dtype: 'int8', quant: hq }, cell: cq }), 'lstm.options.gates.zeroPoint[0]', /symmetric/);
    expectModelError(() => p.b.lstm(p.x, p.w, p.u, { gates }, { hidden: { dtype: 'int8', quant: hq }, cell: cq }), 'lstm.options.maxSteps', /run-time sequence length: give maxSteps/);
    expectModelError(() => p.b.lstm(p.x, p.w, p.u, { gates, maxSteps: 9 }, { hidden: { dtype: 'int8', quant: hq }, cell: makeQuant({ scale: 1, zeroPoint: 2, bits: 16 }) }), 'nodes[0].outputs[2]', /cell state .* must be symmetric/);
  });

  it('refuses c0 without h0, and state inputs off the hidden / cell grids', () => {
    const p = parts();
    const h0 = p.b.input('h0', 'int8', [-1, 2], makeQuant({ scale: 0.5 }));
    const c0 = p.b.input('c0', 'int16', [-1, 2], cq);
    expectModelError(() => p.b.lstm(p.x, p.w, p.u, { gates, maxSteps: 9, c0 }, { hidden: { dtype: 'int8', quant: hq }, cell: cq }), 'lstm.options.c0', /c0 needs h0/);
    expectModelError(() => p.b.lstm(p.x, p.w, p.u, { gates, maxSteps: 9, h0, c0 }, { hidden: { dtype: 'int8', quant: hq }, cell: cq }), 'nodes[0].inputs[4]', /h0 'h0' must have the dtype and quant params of output/);
  });

  it('checks a static T against maxSteps, and the gru gate grids', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 5, 3], makeQuant({ scale: 0.05 }));
    const w = b.constant({ name: 'W', dtype: 'int8', shape: [3, 6], quant: makeQuant({ scale: 0.01 }), data: new Int8Array(18) });
    const u = b.constant({ name: 'U', dtype: 'int8', shape: [2, 6], quant: makeQuant({ scale: 0.01 }), data: new Int8Array(12) });
    expectModelError(() => b.gru(x, w, u, { inputGates: gates, recurrentGates: gates, maxSteps: 4 }, { hidden: { dtype: 'int8', quant: hq } }), 'nodes[0].attrs.maxSteps', /fewer than the static T = 5/);
    const huge = makeQuant({ scale: 1e38, bits: 16 });
    expectModelError(() => b.gru(x, w, u, { inputGates: gates, recurrentGates: huge }, { hidden: { dtype: 'int8', quant: hq } }), 'nodes[0].attrs', /h multiplier of gate row 0, .* is not a normal float32/);
    const { y, hT } = b.gru(x, w, u, { inputGates: gates, recurrentGates: gates }, { hidden: { dtype: 'int8', quant: hq } });
    expect(b.info(y).shape).toEqual([-1, 5, 2]);
    expect(b.info(hT).shape).toEqual([-1, 2]);
  });
});

describe('concat', () => {
  it('joins values of one grid along an axis, and refuses differing quant params naming both', () => {
    const b = new ModelBuilder();
    const q = makeQuant({ scale: 0.1, zeroPoint: 3 });
    const a = b.input('a', 'int8', [-1, -2, 2], q);
    const c = b.input('c', 'int8', [-1, -2, 3], q);
    const y = b.concat([a, c], 2, { name: 'y' });
    b.output(y);
    const model = b.build();
    expect(model.values.find((v) => v.name === 'y')?.shape).toEqual([-1, -2, 5]);
    const out = runReference(decodeModel(encodeModel(model)), {
      a: { data: Int8Array.of(1, 2, 3, 4), shape: [1, 2, 2] },
      c: { data: Int8Array.of(5, 6, 7, 8, 9, 10), shape: [1, 2, 3] },
    }).y;
    expect(Array.from(out)).toEqual([1, 2, 5, 6, 7, 3, 4, 8, 9, 10]);
    const d = b.input('d', 'int8', [-1, -2, 2], makeQuant({ scale: 0.2, zeroPoint: 3 }));
    expectModelError(() => b.concat([a, d], 2), 'nodes[1].inputs[1]', /'d' \(int8, scale 0\.2.*\) and 'a' \(int8, scale 0\.1.*\) must have the same dtype and quant params/);
    expectModelError(() => b.concat([a, c], 1), 'nodes[1].inputs[0]', /'a' \[-1, -2, 2\] must have a static size along axis 1/);
    const e = b.input('e', 'int8', [-1, 4, 2], q);
    const f = b.input('f', 'int8', [-1, 4, 3], q);
    expectModelError(() => b.concat([e, f], 1), 'nodes[1].inputs[1]', /'f' \[-1, 4, 3\] must match x0 'e' \[-1, 4, 2\] in every dim but axis 1/);
    expectModelError(() => b.concat([a, a], 3), 'nodes[1].attrs.axis', /has rank 3/);
  });
});
