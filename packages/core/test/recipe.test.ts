import { describe, expect, it } from 'vitest';
import { RecipeError, compose, getPreset, listPresets, parseRecipe, type Recipe } from '@qatjs/core';

describe('parseRecipe', () => {
  it('accepts JSON text and objects and returns a clean copy', () => {
    const json = JSON.stringify({
      name: 'mine',
      rules: [
        { match: '*', weight: { quantizer: 'uniform', bits: 4, perChannel: true }, output: { quantizer: 'asymmetric', bits: 8 } },
        { match: ['@first', '@last'], weight: { bits: 8 } },
        { match: 'head.**', skip: true },
        { match: 'Dense', points: { state: null } },
      ],
      schedule: { freezeObserversAt: 100, freezeBatchNormAt: 50, warmupFloatSteps: 0 },
    });
    const r = parseRecipe(json);
    expect(r.name).toBe('mine');
    expect(r.rules).toHaveLength(4);
    expect(r.rules[1]).toEqual({ match: ['@first', '@last'], weight: { bits: 8 } });
    expect(r.schedule).toEqual({ freezeObserversAt: 100, freezeBatchNormAt: 50, warmupFloatSteps: 0 });
    expect(parseRecipe(JSON.parse(json))).toEqual(r);
  });

  it('starts from a preset with "extends"; the file\'s rules come after and win', () => {
    const r = parseRecipe({ extends: 'w4a4', rules: [{ match: 'classifier', weight: { bits: 8 } }] });
    const base = getPreset('w4a4');
    expect(r.rules.slice(0, base.rules.length)).toEqual(base.rules);
    expect(r.rules[r.rules.length - 1]).toEqual({ match: 'classifier', weight: { bits: 8 } });
    expect(r.name).toBe('w4a4');
  });

  const bad: Array<[unknown, RegExp]> = [
    ['{not json', /recipe is not valid JSON/],
    [[], /recipe must be an object/],
    [{ rules: [] }, /recipe has no rules/],
    [{ rules: 'all' }, /recipe rules must be an array/],
    [{ rules: [], oops: 1 }, /recipe: unknown key 'oops'/],
    [{ extends: 'w3a3' }, /recipe extends "w3a3": not a preset \(presets: w8a8, w4a8, w4a4, w2a2, w8a8-minmax\)/],
    [{ rules: [{ weight: { quantizer: 'u', bits: 8 } }] }, /rule 0: match must be a pattern or a non-empty array/],
    [{ rules: [{ match: [], weight: { bits: 8 } }] }, /rule 0: match must be a pattern or a non-empty array/],
    [{ rules: [{ match: '@middle', weight: { bits: 8 } }] }, /rule 0 \(match "@middle"\): unknown selector "@middle"/],
    [{ rules: [{ match: 'a', weight: { quantizer: 'u', bits: 1 } }] }, /rule 0 \(match "a"\): weight.bits must be an integer in 2\.\.16, got 1/],
    [{ rules: [{ match: 'a', weight: { quantizer: '', bits: 8 } }] }, /weight.quantizer must be a quantizer name/],
    [{ rules: [{ match: 'a', weight: 8 }] }, /weight must be an object \{ quantizer, bits, \.\.\. \} or null, got 8/],
    [{ rules: [{ match: 'a', wieght: { bits: 8 } }] }, /rule 0 \(match "a"\): unknown key 'wieght'/],
    [{ rules: [{ match: 'a' }] }, /rule 0 \(match "a"\): sets nothing/],
    [{ rules: [{ match: 'a', skip: 'yes' }] }, /skip must be true or false/],
    [{ rules: [{ match: 'a', integerOnly: 1 }] }, /rule 0 \(match "a"\): integerOnly must be true or false, got 1/],
    [{ rules: [{ match: 'a', points: [1] }] }, /points must be an object of point name -> config/],
    [{ rules: [{ match: 'a', skip: true }], schedule: { freezeAt: 3 } }, /schedule: unknown key 'freezeAt'/],
    [{ rules: [{ match: 'a', skip: true }], schedule: { freezeObserversAt: -1 } }, /freezeObserversAt must be a step number \(an integer >= 0\) or a fraction of the run \(a number between 0 and 1\), got -1/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${typeof input === 'string' ? input : JSON.stringify(input)}`, () => {
      expect(() => parseRecipe(input)).toThrow(RecipeError);
      expect(() => parseRecipe(input)).toThrow(message);
    });
  }
});

describe('names inherited from Object.prototype (#15 item 8)', () => {
  it('are refused as point names, not dropped', () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const text = `{ "rules": [{ "match": "*", "points": { "${name}": { "quantizer": "uniform", "bits": 8 } } }] }`;
      expect(() => parseRecipe(text)).toThrow(RecipeError);
      expect(() => parseRecipe(text)).toThrow(`points.${name}: '${name}' cannot be a point name`);
    }
  });
});

describe('compose', () => {
  it('concatenates rules so later recipes win, and merges schedules field by field', () => {
    const a: Recipe = { name: 'a', rules: [{ match: '*', weight: { quantizer: 'u', bits: 8 } }], schedule: { freezeObserversAt: 10, warmupFloatSteps: 2 } };
    const b: Recipe = { name: 'b', rules: [{ match: 'fc', weight: { bits: 4 } }], schedule: { freezeObserversAt: 20 } };
    expect(compose(a, b)).toEqual({
      name: 'a+b',
      rules: [...a.rules, ...b.rules],
      schedule: { freezeObserversAt: 20, warmupFloatSteps: 2 },
    });
  });
});

describe('presets', () => {
  it('lists the five presets and builds each', () => {
    expect(listPresets()).toEqual(['w8a8', 'w4a8', 'w4a4', 'w2a2', 'w8a8-minmax']);
    for (const name of listPresets()) expect(() => parseRecipe(getPreset(name))).not.toThrow();
  });

  it('w8a8: per-channel narrow int8 weights, 8-bit activations, the model input quantized at the first layer', () => {
    const r = getPreset('w8a8');
    expect(r.rules[0]).toEqual({
      match: '*',
      weight: { quantizer: 'uniform', bits: 8, perChannel: true, narrowRange: true },
      output: { quantizer: 'asymmetric', bits: 8 },
    });
    expect(r.rules[1]).toEqual({ match: '@first', input: { quantizer: 'asymmetric', bits: 8 } });
  });

  it('w2a2 uses LSQ; firstLastBits keeps the first and last layer at that width', () => {
    const r = getPreset('w2a2', { firstLastBits: 8 });
    expect(r.name).toBe('w2a2-fl8');
    expect(r.rules[0].weight).toMatchObject({ quantizer: 'lsq', bits: 2, narrowRange: false });
    expect(r.rules.slice(2)).toEqual([
      { match: '@first', weight: { bits: 8 }, input: { bits: 8 } },
      { match: '@last', weight: { bits: 8 }, output: { bits: 8 } },
    ]);
    expect(getPreset('w4a4', { weightQuantizer: 'lsq', activationQuantizer: 'lsq' }).rules[0]).toMatchObject({
      weight: { quantizer: 'lsq', bits: 4 },
      output: { quantizer: 'lsq', bits: 4 },
    });
  });

  it('w8a8-minmax uses plain min/max on signed int8 activations (TFLite-like)', () => {
    expect(getPreset('w8a8-minmax').rules[0].output).toEqual({ quantizer: 'asymmetric', bits: 8, observer: 'minMax', signed: true });
  });

  it('rejects unknown presets and bad options', () => {
    expect(() => getPreset('w1a1')).toThrow(/unknown preset "w1a1"/);
    for (const name of ['constructor', 'toString', '__proto__', 'valueOf']) expect(() => getPreset(name)).toThrow(/unknown preset/);
    expect(() => getPreset('w4a4', { firstLastBits: 1 })).toThrow(/firstLastBits must be an integer in 2\.\.16/);
  });
});

describe('recipe errors on hostile match arrays', () => {
  it('name a symbol or a null-prototype object in a match array with a RecipeError, never a TypeError', () => {
    for (const bad of [Symbol('x'), Object.create(null) as object]) {
      expect(() => parseRecipe({ rules: [{ match: ['*', bad as never], weight: { quantizer: 'uniform' } }] })).toThrow(RecipeError);
    }
  });
});
