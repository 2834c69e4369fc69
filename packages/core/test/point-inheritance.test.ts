// QuantPointDecl.inherits, .observer and .check: how a layer family gets default settings for its own points
// (an LSTM's 16-bit gates) from presets that never name them, and refuses quantizers it cannot use.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Module, RecipeError, observedQuantizerPlugin, prepare, registerQuantizer, unregisterQuantizer, type QuantPointDecl, type Recipe } from '@qatjs/core';
import { useBackend } from '@qatjs/test-utils';
import { testObservedQuantizer } from './helpers/test-layers.ts';

const Q = 'test-observed';
// built like quantizer-uniform: role-default observers, which a point's declared observer replaces
const P = 'test-point-observed';
const pointObserved = observedQuantizerPlugin({ name: P, description: 'symmetric, observer-driven (test)', symmetric: true });

class Recurrent extends Module {
  readonly kind = 'Recurrent';
  readonly w = this.registerParameter('w', tf.ones([4, 8]));
  override quantPoints(): QuantPointDecl[] {
    return [
      { name: 'input', role: 'activation' },
      { name: 'weight', role: 'weight', shape: [4, 8], channelAxis: 1 },
      { name: 'recurrentWeight', role: 'weight', shape: [2, 8], channelAxis: 1, inherits: { from: 'weight' } },
      { name: 'gates', role: 'activation', inherits: { from: 'weight', set: { bits: 16, perChannel: false, narrowRange: false } } },
      {
        name: 'state',
        role: 'activation',
        observer: 'minMax',
        inherits: { from: 'output' },
        check: (q) => (q.spec.signed ? undefined : 'the state is signed'),
      },
    ];
  }
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

const silent = { onWarning: () => {} };
const summary = (m: Module) => prepare(m, recipe, silent).points.map((p) => `${p.label}:${p.bits}${p.perChannel ? 'pc' : ''}:${p.rules.join('+')}`);
let recipe: Recipe;

describe('point inheritance (QuantPointDecl.inherits) and checks', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    registerQuantizer(testObservedQuantizer);
    registerQuantizer(pointObserved);
  });
  afterAll(() => {
    unregisterQuantizer(Q);
    unregisterQuantizer(P);
  });

  it('a preset-style recipe quantizes points it never names, with the declared overrides', () => {
    recipe = { rules: [{ match: '*', weight: { quantizer: Q, bits: 4, perChannel: true, narrowRange: true }, output: { quantizer: Q, bits: 8 } }] };
    const m = new Recurrent();
    expect(summary(m)).toEqual(['/weight:4pc:0', '/recurrentWeight:4pc:0', '/gates:16:0', '/state:8:0'].map((s) => `<root>${s}`));
    expect(m.getQuantizer('gates')?.spec.narrowRange).toBe(false);
    m.dispose();
  });

  it("a point's declared observer replaces the role default of observer-driven quantizers", () => {
    recipe = { rules: [{ match: '*', weight: { quantizer: P, bits: 8 }, output: { quantizer: P, bits: 8 } }] };
    const m = new Recurrent();
    prepare(m, recipe, silent);
    expect(JSON.stringify(m.getQuantizer('state')?.state())).toMatch(/"minMax"/);
    expect(JSON.stringify(m.getQuantizer('gates')?.state())).toMatch(/"movingAverageMinMax"/);
    m.dispose();
  });

  it("a recipe's observer wins over the point's declared one", () => {
    recipe = { rules: [{ match: '*', weight: { quantizer: P, bits: 8 }, output: { quantizer: P, bits: 8, observer: 'percentile' } }] };
    const m = new Recurrent();
    prepare(m, recipe, silent);
    expect(JSON.stringify(m.getQuantizer('state')?.state())).toMatch(/"percentile"/);
    m.dispose();
  });

  it('rules naming the point merge on top; null turns it off; a different quantizer starts afresh', () => {
    recipe = {
      rules: [
        { match: '*', weight: { quantizer: Q, bits: 8, perChannel: true } },
        { match: 'Recurrent', points: { gates: { bits: 12 }, recurrentWeight: null } },
        { match: 'Recurrent', weight: { bits: 6 } },
      ],
    };
    const m = new Recurrent();
    // the later weight rule moves the weight and what follows it, but not the gates' own bits
    expect(summary(m)).toEqual(['<root>/weight:6pc:0+2', '<root>/gates:12:0+1+2']);
    m.dispose();
  });

  it('a point with nothing to inherit and no rule of its own stays float', () => {
    recipe = { rules: [{ match: '*', input: { quantizer: Q, bits: 8 } }] };
    const m = new Recurrent();
    expect(summary(m)).toEqual(['<root>/input:8:0']);
    m.dispose();
  });

  it("check() refuses a quantizer with the point's reason, and leaves the model untouched", () => {
    recipe = { rules: [{ match: '*', weight: { quantizer: Q, bits: 8 }, output: { quantizer: Q, bits: 8, signed: false } }] };
    const m = new Recurrent();
    expect(() => prepare(m, recipe, silent)).toThrow(RecipeError);
    expect(() => prepare(m, recipe, silent)).toThrow(/point '<root>\/state' \(recipe rule 0\): quantizer 'test-observed' cannot quantize this point: the state is signed/);
    expect(m.namedQuantizers()).toEqual([]);
    expect(m.quantController).toBeUndefined();
    m.dispose();
  });
});
