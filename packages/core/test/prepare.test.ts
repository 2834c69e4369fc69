import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Module, QatjsError, RecipeError, Sequential, applySchedule, calibrate, prepare, registerQuantizer, unprepare, unregisterQuantizer, type QuantPointDecl, type Recipe } from '@qatjs/core';
import { randomNormal, useBackend } from '@qatjs/test-utils';
import { TestDense, TestScale, testObservedQuantizer } from './helpers/test-layers.ts';

const Q = 'test-observed';

class Mlp extends Module {
  readonly kind = 'Mlp';
  readonly body: Sequential;
  readonly head: TestDense;
  constructor() {
    super();
    this.body = this.registerModule('body', new Sequential([new TestDense(8, 6, true, 1), new TestScale(), new TestDense(8, 8, true, 2)]));
    this.head = this.registerModule('head', new TestDense(3, 8, false, 3));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.head.forward(this.body.forward(x)));
  }
}

const base: Recipe = {
  rules: [
    { match: '*', weight: { quantizer: Q, bits: 8, perChannel: true }, output: { quantizer: Q, bits: 8, observer: 'movingAverageMinMax' } },
    { match: '@first', input: { quantizer: Q, bits: 8 } },
  ],
};

function silent() {
  const warnings: string[] = [];
  return { warnings, onWarning: (m: string) => warnings.push(m) };
}

describe('prepare', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    registerQuantizer(testObservedQuantizer);
  });
  afterAll(() => unregisterQuantizer(Q));

  it('attaches quantizers to the declared points the rules select', () => {
    const m = new Mlp();
    const report = prepare(m, base, silent());
    expect(report.points.map((p) => `${p.label}:${p.bits}${p.perChannel ? 'pc' : ''}`)).toEqual([
      'body.0/input:8',
      'body.0/weight:8pc',
      'body.0/output:8',
      'body.2/weight:8pc',
      'body.2/output:8',
      'head/weight:8pc',
      'head/output:8',
    ]);
    expect(report.layers.map((l) => `${l.path} (${l.kind}): ${l.points.join(', ')}`)).toEqual([
      'body.0 (Dense): input, weight, output',
      'body.2 (Dense): weight, output',
      'head (Dense): weight, output',
    ]);
    expect(report.warnings).toEqual([]);
    expect(m.namedQuantizers()).toHaveLength(7);
    expect(m.head.getQuantizer('output')?.spec.signed).toBe(true); // no ReLU on the head
    expect(m.body.namedQuantizers().find(([l]) => l === 'body.0/output')?.[1].spec.signed).toBe(false); // after ReLU
    m.dispose();
  });

  it('merges later rules field by field; null removes a point; skip clears a layer', () => {
    const m = new Mlp();
    const report = prepare(
      m,
      {
        rules: [
          ...base.rules,
          { match: ['@first', '@last'], weight: { bits: 4 } },
          { match: 'body.2', output: null },
          { match: 'head', skip: true },
          { match: 'head', output: { quantizer: Q, bits: 6 } },
        ],
      },
      silent(),
    );
    const byLabel = Object.fromEntries(report.points.map((p) => [p.label, p]));
    expect(byLabel['body.0/weight']).toMatchObject({ bits: 4, perChannel: true, rules: [0, 2] });
    expect(byLabel['body.2/weight'].bits).toBe(8);
    expect(byLabel['body.2/output']).toBeUndefined();
    expect(byLabel['head/weight']).toBeUndefined();
    expect(byLabel['head/output']).toMatchObject({ bits: 6, rules: [5] });
    m.dispose();
  });

  it('matches globs on paths (* within a segment, ** across) and on kinds', () => {
    const labels = (match: string) => {
      const m = new Mlp();
      const r = prepare(m, { rules: [{ match, weight: { quantizer: Q, bits: 8 } }] }, silent());
      m.dispose();
      return r.points.map((p) => p.label);
    };
    expect(labels('body.*')).toEqual(['body.0/weight', 'body.2/weight']);
    expect(labels('**')).toEqual(['body.0/weight', 'body.2/weight', 'head/weight']);
    expect(labels('b*')).toEqual([]);
    expect(labels('Dense')).toEqual(['body.0/weight', 'body.2/weight', 'head/weight']);
    expect(labels('@last')).toEqual(['head/weight']);
    expect(labels('body.?')).toEqual(['body.0/weight', 'body.2/weight']);
  });

  it('warns, visibly, about rules that match nothing', () => {
    const m = new Mlp();
    const s = silent();
    const report = prepare(m, { rules: [...base.rules, { match: 'encoder.*', weight: { bits: 4 } }, { match: 'Scale', weight: { quantizer: Q, bits: 4 } }] }, s);
    expect(report.warnings).toEqual([
      'recipe rule 2 (match "encoder.*") matches no layer with quantization points',
      'recipe rule 3 (match "Scale") matches no layer with quantization points',
    ]);
    expect(s.warnings).toEqual(report.warnings);
    m.dispose();
  });

  it('fails on unknown quantizers and bad options naming the rule and point, leaving the model untouched', () => {
    const m = new Mlp();
    expect(() => prepare(m, { rules: [{ match: '*', weight: { quantizer: 'lsq', bits: 2 } }] })).toThrow(RecipeError);
    expect(() => prepare(m, { rules: [{ match: '*', weight: { quantizer: 'lsq', bits: 2 } }] })).toThrow(/recipe rule 0 \(match "\*"\): weight: unknown quantizer "lsq"/);
    expect(() => prepare(m, { rules: [{ match: '*', output: { quantizer: Q, bits: 8, momentum: 2 } }] })).toThrow(
      /point 'body.0\/output' \(recipe rule 0\): quantizer 'test-observed': unknown option 'momentum'/,
    );
    expect(() => prepare(m, { rules: [{ match: '*', weight: { bits: 8 } }] })).toThrow(/point 'body.0\/weight': recipe rule 0 set options but no quantizer/);
    expect(() => prepare(m, { rules: [{ match: '*', input: { quantizer: Q, bits: 8, perChannel: true } }, { match: 'head', input: null }] })).not.toThrow();
    m.dispose();
    const fresh = new Mlp();
    expect(() => prepare(fresh, { rules: [{ match: '*', output: { quantizer: Q, bits: 8 } }, { match: 'head', output: { quantizer: Q, bits: 99 } }] })).toThrow(RecipeError);
    expect(fresh.quantController).toBeUndefined();
    expect(fresh.namedQuantizers()).toEqual([]);
    fresh.dispose();
  });

  it('refuses option names inherited from Object.prototype in a recipe, leaving the model untouched (#15 item 8)', () => {
    const m = new Mlp();
    for (const key of ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty']) {
      const text = JSON.parse(`{ "rules": [{ "match": "*", "weight": { "quantizer": "${Q}", "bits": 8, "${key}": 1 } }] }`);
      expect(() => prepare(m, text, silent())).toThrow(RecipeError);
      expect(() => prepare(m, text, silent())).toThrow(`unknown option '${key}'`);
      const observer = JSON.parse(`{ "rules": [{ "match": "*", "output": { "quantizer": "${Q}", "bits": 8, "observer": { "name": "minMax", "${key}": 1 } } }] }`);
      expect(() => prepare(m, observer, silent())).toThrow(`unknown option '${key}'`);
      expect(m.quantController).toBeUndefined();
    }
    m.dispose();
  });

  it('refuses to prepare twice; unprepare makes it a float model again', () => {
    const m = new Mlp();
    prepare(m, base, silent());
    expect(() => prepare(m, base, silent())).toThrow(/already prepared/);
    unprepare(m);
    expect(m.namedQuantizers()).toEqual([]);
    expect(m.quantController).toBeUndefined();
    expect(() => prepare(m, base, silent())).not.toThrow();
    m.dispose();
    expect(() => prepare({} as never, base)).toThrow(/model must be a Module/);
  });

  it('accepts a preset name', () => {
    const m = new Mlp();
    expect(() => prepare(m, 'w8a8', silent())).toThrow(/unknown quantizer "uniform"/);
    expect(m.quantController).toBeUndefined();
    m.dispose();
  });
});

describe('calibrate and the schedule', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    registerQuantizer(testObservedQuantizer);
  });
  afterAll(() => unregisterQuantizer(Q));

  const batches = () => [0, 1, 2].map((i) => tf.tensor2d(randomNormal(16 * 6, 50 + i), [16, 6]));

  it('observes float activations, then the model runs on the grid', async () => {
    const m = new Mlp();
    prepare(m, base, silent());
    m.eval();
    const x = tf.tensor2d(randomNormal(4 * 6, 60), [4, 6]);
    expect(() => tf.tidy(() => m.forward(x))).toThrow(/quantizer 'test-observed' at 'body.0\/input' has no statistics yet: run calibrate/);
    const data = batches();
    const before = tf.memory().numTensors;
    const report = await calibrate(m, data);
    expect(tf.memory().numTensors).toBe(before);
    expect(report.batches).toBe(3);
    expect(m.training).toBe(false);
    const out = m.head.getQuantizer('output');
    if (!out) throw new Error('head output has no quantizer');
    const { scale, zeroPoint } = out.qparams();
    const y = tf.tidy(() => Array.from(m.forward(x).dataSync()));
    for (const v of y) {
      const code = v / scale[0] + zeroPoint[0];
      expect(Math.abs(code - Math.round(code))).toBeLessThan(1e-3);
    }
    tf.dispose([x, ...data]);
    m.dispose();
  });

  it('takes the batches fit takes: typed arrays with a shape, or { x: tensor }, with the same statistics as tensors', async () => {
    const a = new Mlp();
    const b = new Mlp();
    prepare(a, base, silent());
    prepare(b, base, silent());
    const data = batches();
    await calibrate(a, data);
    const before = tf.memory().numTensors;
    await calibrate(b, data.map((t, i) => (i === 0 ? { x: t, y: new Int32Array(16) } : { x: t.dataSync() as Float32Array, shape: t.shape })));
    expect(tf.memory().numTensors).toBe(before);
    expect(b.head.getQuantizer('output')?.qparams()).toEqual(a.head.getQuantizer('output')?.qparams());
    await expect(calibrate(b, [{ x: new Float32Array(6) }] as never)).rejects.toThrow('calibrate: batch 0: x must be a tf.Tensor, or a Float32Array with a shape');
    await expect(calibrate(b, [7] as never)).rejects.toThrow('calibrate: batch 0 must be a tensor, an array of tensors or { x, shape? }, got');
    tf.dispose(data);
    a.dispose();
    b.dispose();
  });

  it('restores the training mode, validates its arguments and rejects unprepared models', async () => {
    const m = new Mlp();
    await expect(calibrate(m, batches())).rejects.toThrow(/not prepared/);
    prepare(m, base, silent());
    await expect(calibrate(m, [])).rejects.toThrow(/no batches were given/);
    await expect(calibrate(m, 5 as never)).rejects.toThrow(/batches must be an iterable/);
    await expect(calibrate(m, [[1, 2] as never])).rejects.toThrow(/batch 0 input 0 is not a tf.Tensor/);
    await expect(calibrate(m, batches(), { maxBatches: 0 })).rejects.toThrow(/maxBatches must be an integer >= 1/);
    expect(m.training).toBe(true);
    const r = await calibrate(m, batches(), { maxBatches: 2 });
    expect(r.batches).toBe(2);
    expect(m.training).toBe(true);
    expect(m.quantController?.calibrating).toBe(false);
    m.dispose();
  });

  it('integerOnly switches the layers that have an integer-only form, the last matching rule winning; unprepare switches it off', () => {
    class Act extends Module {
      readonly kind: string = 'Act';
      override quantPoints(): QuantPointDecl[] {
        return [{ name: 'output', role: 'activation' }];
      }
      forward(x: tf.Tensor): tf.Tensor {
        return this.quantize('output', x);
      }
    }
    class WithForm extends Act {
      override readonly kind = 'WithForm';
      override get hasIntegerOnlyForm(): boolean {
        return true;
      }
    }
    const [a, b, c] = [new WithForm(), new Act(), new WithForm()];
    const m = new Sequential({ a, b, c });
    const rules: Recipe['rules'] = [
      { match: '*', output: { quantizer: Q, bits: 8 } },
      { match: '*', integerOnly: true },
      { match: 'c', integerOnly: false },
    ];
    const report = prepare(m, { rules }, silent());
    expect(report.integerOnlyLayers).toEqual(['a']);
    expect([a.integerOnly, b.integerOnly, c.integerOnly]).toEqual([true, false, false]);
    unprepare(m);
    expect(a.integerOnly).toBe(false);
    // a switch that reaches no layer with the form is refused, and leaves the model unprepared
    expect(() => prepare(m, { rules: [rules[0], { match: 'b', integerOnly: true }] }, silent())).toThrow(/rule 1 \(match "b"\): integerOnly matches no layer with an integer-only form \(layers that have one: WithForm\)/);
    expect(m.quantController).toBeUndefined();
    expect(() => b.setIntegerOnly(true)).toThrow(/Act: this layer has no integer-only form/);
    m.dispose();
  });

  it('applies warm-up float steps and freezes observers at the step the schedule names', () => {
    const m = new Mlp();
    prepare(m, { ...base, schedule: { warmupFloatSteps: 2, freezeObserversAt: 3, freezeBatchNormAt: 4 } }, silent());
    const c = m.quantController;
    if (!c) throw new Error('not prepared');
    const x = tf.tensor2d(randomNormal(8 * 6, 70), [8, 6]);
    const out = m.head.getQuantizer('output');
    if (!out) throw new Error('no quantizer');
    const states: string[] = [];
    for (let step = 0; step < 5; step++) {
      applySchedule(m, step);
      states.push(`${c.fakeQuant ? 'q' : 'f'}${c.observersFrozen ? 'F' : 'o'}${c.batchNormFrozen ? 'B' : 'b'}`);
      const xs = tf.mul(x, step + 1); // each step sees a wider range
      tf.tidy(() => m.forward(xs));
      xs.dispose();
      if (step === 2) expect(out.qparams().scale[0]).toBeGreaterThan(0);
    }
    expect(states).toEqual(['fob', 'fob', 'qob', 'qFb', 'qFB']);
    // statistics stopped after step 2: another, wider batch does not move them
    const frozenScale = out.qparams().scale[0];
    tf.tidy(() => m.forward(tf.mul(x, 100)));
    expect(out.qparams().scale[0]).toBe(frozenScale);
    expect(() => applySchedule(m, -1)).toThrow(QatjsError);
    x.dispose();
    m.dispose();
  });
});
