import { describe, expect, it } from 'vitest';
import {
  FLOAT_KERNEL_TOLERANCE, ModelBuilder, decodeModel, encodeModel, expFloat, runReference, sigmoidFloat, tanhFloat,
  ulpDistance, withinFloatTolerance,
} from '@qatjs/ir';
import { f32, q } from './reference-helpers.ts';
import { expectModelError } from './helpers.ts';

// sigmoid, tanh, exp: float32 in and out, the float64 function rounded once to float32.

const X = Float32Array.of(0, -0, 1, -1, 0.5, 20, -20, 100, -100, 89, -104, Infinity, -Infinity, NaN);

function unary(op: 'sigmoid' | 'tanh' | 'exp') {
  const b = new ModelBuilder();
  const x = b.input('x', 'float32', [-1, X.length]);
  b.output(b[op](x, { name: 'y' }));
  return b.build();
}

const run = (op: 'sigmoid' | 'tanh' | 'exp') => Array.from(runReference(decodeModel(encodeModel(unary(op))), { x: X }).y);

describe('float32 unary ops', () => {
  it('sigmoid = fround(1 / (1 + exp(-x)))', () => {
    const want = [0.5, 0.5, f32(1 / (1 + Math.exp(-1))), f32(1 / (1 + Math.exp(1))), f32(1 / (1 + Math.exp(-0.5))), 1, f32(1 / (1 + Math.exp(20))), 1,
      3.783505853677006e-44, 1, 0, 1, 0, NaN];
    expect(run('sigmoid')).toEqual(want);
    expect(sigmoidFloat(1)).toBe(0.7310585975646973);
  });

  it('tanh = fround(Math.tanh(x)), keeping -0', () => {
    const y = run('tanh');
    expect(y).toEqual([0, -0, 0.7615941762924194, -0.7615941762924194, f32(Math.tanh(0.5)), 1, -1, 1, -1, 1, -1, 1, -1, NaN]);
    expect(Object.is(y[1], -0)).toBe(true);
    expect(tanhFloat(1)).toBe(0.7615941762924194);
  });

  it('exp = fround(Math.exp(x)): Infinity above float32 range, 0 below', () => {
    expect(run('exp')).toEqual([1, 1, 2.7182817459106445, f32(Math.exp(-1)), f32(Math.exp(0.5)), f32(Math.exp(20)), f32(Math.exp(-20)), Infinity,
      f32(Math.exp(-100)), Infinity, 0, Infinity, 0, NaN]);
    // the input is a float32 first: fround(88.72) = 88.72000122...
    expect(expFloat(88.72)).toBe(f32(Math.exp(f32(88.72))));
    expect(expFloat(88.8)).toBe(Infinity);
  });

  it('needs float32 in and out', () => {
    const b = new ModelBuilder();
    const i = b.input('i', 'int8', [2], q(1));
    const x = b.input('x', 'float32', [2]);
    expectModelError(() => b.sigmoid(i), 'nodes[0].inputs[0]', /sigmoid input x must be float32; 'i' is int8/);
    expectModelError(() => b.tanh(x, { dtype: 'int8', quant: q(1) }), 'nodes[0].outputs[0]', /tanh output y must be float32/);
    expectModelError(() => b.node('exp', [x], { alpha: 1 }), 'nodes[0].attrs.alpha', /exp has no attribute/);
  });
});

describe('the float kernel tolerance', () => {
  it('is 4 ulp or 1e-7 absolute, whichever is larger', () => {
    expect(FLOAT_KERNEL_TOLERANCE).toEqual({ ulp: 4, absolute: 1e-7 });
    const one = 1;
    const ulp1 = 2 ** -23;
    expect(ulpDistance(one, one + 4 * ulp1)).toBe(4);
    expect(withinFloatTolerance(one + 4 * ulp1, one)).toBe(true);
    expect(withinFloatTolerance(one + 5 * ulp1, one)).toBe(false);
    // near 0, 1e-7 absolute is far more than 4 ulp
    expect(withinFloatTolerance(f32(5e-8), 0)).toBe(true);
    expect(withinFloatTolerance(f32(2e-7), 0)).toBe(false);
    expect(ulpDistance(-0, 0)).toBe(0);
    expect(ulpDistance(f32(-1e-45), f32(1e-45))).toBe(2);
    expect(withinFloatTolerance(NaN, NaN)).toBe(true);
    expect(withinFloatTolerance(NaN, 1)).toBe(false);
    expect(withinFloatTolerance(Infinity, Infinity)).toBe(true);
    expect(withinFloatTolerance(1, Infinity)).toBe(false);
  });
});

describe('argument checks', () => {
  it('reject what is not a number or a shape', () => {
    expectModelError(() => withinFloatTolerance('1' as never, 1), 'actual');
    expectModelError(() => ulpDistance(1, null as never), 'b');
  });
});
