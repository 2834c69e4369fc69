// Property-based fuzzing of core's entry points that take user data (tools/test-utils/src/fuzz.ts):
// recipes (parseRecipe, prepare), quantizer options (validateQuantizerOptions, createQuantizer),
// fakeQuantize arguments and checkpoint bytes (decodeCheckpoint). Each case works or throws a
// QatjsError (RecipeError, QuantizerOptionError, NonFiniteError, CheckpointError...), and leaves the
// tfjs tensor count as it was (the results a case keeps are disposed by the case).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Module, QatjsError, Sequential, createQuantizer, decodeCheckpoint, encodeCheckpoint, fakeQuantize, parseRecipe, prepare,
  registerQuantizer, unprepare, unregisterQuantizer, validateQuantizerOptions, type QuantPoint,
} from '@qatjs/core';
import { damagedBytes, fc, fuzz, hostile, optionsLike } from '@qatjs/test-utils/fuzz';
import { useBackend } from '@qatjs/test-utils';
import { TestDense, testObservedQuantizer } from './helpers/test-layers.ts';

const Q = 'test-observed';
const ours = (e: unknown) => e instanceof QatjsError;

/** Runs fn; throws (a plain Error: a failed case) if it changed the number of live tensors. */
async function countingTensors(what: string, fn: () => unknown): Promise<void> {
  const before = tf.memory().numTensors;
  try {
    await fn();
  } finally {
    const after = tf.memory().numTensors;
    if (after !== before) throw new Error(`${what}: ${after - before} tensors leaked`);
  }
}

class Mlp extends Module {
  readonly kind = 'Mlp';
  readonly body: Sequential;
  constructor() {
    super();
    this.body = this.registerModule('body', new Sequential([new TestDense(4, 3, true, 1), new TestDense(2, 4, false, 2)]));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.body.forward(x));
  }
}

const bits = fc.oneof(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 17 }));
/** A point config that is valid most of the time (test-observed takes bits, perChannel, symmetric, observer...). */
const goodConfig = fc.record(
  { quantizer: fc.constant(Q), bits: fc.integer({ min: 2, max: 8 }), perChannel: fc.boolean(), observer: fc.constantFrom('minMax', 'movingAverageMinMax') },
  { requiredKeys: ['quantizer', 'bits'] },
);
const pointConfig = fc.oneof(
  { weight: 6, arbitrary: goodConfig },
  { weight: 2, arbitrary: optionsLike({ quantizer: fc.constantFrom(Q, 'nope', ''), bits, perChannel: fc.boolean(), observer: fc.constantFrom('minMax', 'mse', 'x'), symmetric: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: hostile() },
);
const goodPattern = fc.constantFrom('*', '**', 'body', 'body.*', 'body.0', 'body.1', '@first', '@last', 'TestDense');
const pattern = fc.oneof({ weight: 5, arbitrary: goodPattern }, { weight: 1, arbitrary: fc.constantFrom('@middle', '', 'x.**', 'Mlp', '[') }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
// Match arrays may hold anything, symbols and null-prototype objects included (describeRule names
// each element with describeValue, so the message itself cannot throw).
const printable = fc.oneof(pattern, fc.constantFrom(0, -1, null, true, '', [], {}, [1, 2]), hostile());
const goodRule = fc.record(
  { match: fc.oneof(pattern, fc.array(pattern, { minLength: 1, maxLength: 3 }), fc.array(printable, { maxLength: 3 })), weight: pointConfig, input: pointConfig, output: pointConfig, skip: fc.boolean() },
  { requiredKeys: ['match', 'weight'] },
);
const rule = fc.oneof(
  { weight: 6, arbitrary: goodRule },
  { weight: 1, arbitrary: fc.record({ match: fc.oneof(pattern, fc.array(printable, { maxLength: 3 })), weight: pointConfig, points: fc.oneof(fc.dictionary(fc.constantFrom('weight', 'input', 'output', 'state', '__proto__'), pointConfig, { maxKeys: 2 }), hostile()), extra: hostile() }, { requiredKeys: ['match'] }) },
  { weight: 1, arbitrary: hostile() },
);
const schedule = optionsLike({ freezeObserversAt: fc.integer({ min: -1, max: 10 }), freezeBatchNormAt: fc.nat(10), warmupFloatSteps: fc.nat(3) });
const plainRecipe = fc.record({ match: goodPattern, weight: goodConfig, output: fc.option(goodConfig, { nil: undefined }) }).map((r) => ({ rules: [JSON.parse(JSON.stringify(r)) as object] }));
const recipe = fc.oneof(
  { weight: 4, arbitrary: plainRecipe },
  { weight: 8, arbitrary: fc.record({ rules: fc.array(rule, { minLength: 1, maxLength: 3 }), name: fc.string({ maxLength: 8 }), schedule }, { requiredKeys: ['rules'] }) },
  { weight: 2, arbitrary: optionsLike({ name: fc.string({ maxLength: 8 }), rules: fc.array(rule, { maxLength: 3 }), extends: fc.constantFrom('w8a8', 'w4a4', 'w3a3'), schedule }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: hostile() },
);

beforeAll(async () => {
  await useBackend('cpu');
  registerQuantizer(testObservedQuantizer);
});
afterAll(() => unregisterQuantizer(Q));

describe('fuzz: recipes', () => {
  it('parseRecipe: every recipe (object or JSON text) parses or throws a QatjsError', async () => {
    const input = fc.oneof(recipe, recipe.map((r) => { try { return JSON.stringify(r) ?? ''; } catch { return '{'; } }));
    const out = await fuzz('core.parseRecipe', input, (r) => parseRecipe(r), ours);
    expect(out.report).toBe('');
  });

  it('prepare: every recipe prepares the model or throws a QatjsError, leaking no tensor either way', async () => {
    const model = new Mlp();
    const out = await fuzz(
      'core.prepare',
      recipe,
      (r) =>
        countingTensors('prepare + unprepare', () => {
          try {
            prepare(model, r as never, { onWarning: () => undefined } as never);
          } finally {
            unprepare(model);
          }
        }),
      ours,
    );
    model.dispose();
    expect(out.report).toBe('');
  });
});

describe('fuzz: quantizer options', () => {
  const point: QuantPoint = { name: 'weight', role: 'weight', shape: [4, 3], channelAxis: 1, path: 'fc', layerKind: 'Dense', label: 'fc/weight' };
  it('validateQuantizerOptions and createQuantizer: every option set works or throws a QatjsError', async () => {
    const input = fc.record({
      name: fc.oneof({ weight: 6, arbitrary: fc.constant(Q) }, { weight: 1, arbitrary: hostile() }),
      options: fc.oneof({ weight: 4, arbitrary: goodConfig.map(({ quantizer: _, ...o }) => o) }, { weight: 4, arbitrary: optionsLike({ bits, perChannel: fc.boolean(), observer: fc.constantFrom('minMax', 'mse'), symmetric: fc.boolean(), unsigned: fc.boolean() }) }, { weight: 1, arbitrary: hostile() }),
    });
    const out = await fuzz(
      'core.createQuantizer (a test plugin)',
      input,
      ({ name, options }) =>
        countingTensors('createQuantizer + dispose', () => {
          validateQuantizerOptions(name as string, options as never);
          createQuantizer(name as string, options as never, point).dispose();
        }),
      ours,
    );
    expect(out.report).toBe('');
  });
});

describe('fuzz: fakeQuantize', () => {
  const number = fc.oneof(fc.double({ min: -1e3, max: 1e3 }), fc.constantFrom(0, -0, 1, -1, 0.5, 1e-45, 3e38, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 24, 2 ** 25));
  const shape = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 });
  const tensorSpec = fc.record({ shape, values: fc.array(number, { maxLength: 27 }), dtype: fc.constantFrom('float32', 'float32', 'int32') });
  it('every argument set gives a tensor or throws a QatjsError, and leaks no tensor', async () => {
    const input = fc.record({
      x: tensorSpec,
      scale: fc.oneof(tensorSpec, fc.record({ shape: fc.constant([]), values: fc.array(fc.double({ min: 1e-4, max: 1 }), { minLength: 1, maxLength: 1 }), dtype: fc.constant('float32') })),
      zeroPoint: tensorSpec,
      options: fc.oneof({ weight: 5, arbitrary: optionsLike({ qmin: fc.oneof(number, fc.integer({ min: -128, max: 0 })), qmax: fc.oneof(number, fc.integer({ min: 0, max: 255 })), axis: fc.integer({ min: -2, max: 3 }) }) }, { weight: 1, arbitrary: hostile() }),
      notTensor: fc.option(fc.constantFrom('x', 'scale', 'zeroPoint'), { nil: undefined, freq: 10 }),
    });
    const make = (t: { readonly shape: readonly number[]; readonly values: readonly number[]; readonly dtype: string }) => {
      const n = t.shape.reduce((a, d) => a * d, 1);
      const vals = Array.from({ length: n }, (_, i) => t.values[i % Math.max(1, t.values.length)] ?? 0);
      return tf.tensor(vals, [...t.shape], t.dtype as 'float32' | 'int32');
    };
    const out = await fuzz(
      'core.fakeQuantize',
      input,
      async ({ x, scale, zeroPoint, options, notTensor }) => {
        const args = { x: make(x), scale: make(scale), zeroPoint: make(zeroPoint) };
        try {
          const given = { ...args, ...(notTensor ? { [notTensor]: [1, 2] } : {}) };
          await countingTensors('fakeQuantize', () => {
            fakeQuantize(given.x as tf.Tensor, given.scale as tf.Tensor, given.zeroPoint as tf.Tensor, options as never).dispose();
          });
        } finally {
          tf.dispose([args.x, args.scale, args.zeroPoint]);
        }
      },
      ours,
    );
    expect(out.report).toBe('');
  });
});

describe('fuzz: decodeCheckpoint', () => {
  it('every damaged checkpoint decodes or throws a QatjsError', async () => {
    const file = encodeCheckpoint({
      progress: { step: 3, epoch: 0, evaluations: [{ step: 2, metrics: { acc: 0.5 } }] },
      params: new Map([
        ['w', { shape: [2, 2], dtype: 'float32' as const, values: Float32Array.of(1, -2, 0.1, 4) }],
        ['b', { shape: [2], dtype: 'float32' as const, values: Float32Array.of(0.5, -0.5) }],
      ]),
      quantizers: new Map([['fc/weight', { quantizer: 'uniform', frozen: false, data: { n: 1 } }]]),
      optimizer: { weights: [{ name: 'iter', shape: [], dtype: 'int32' as const, values: Int32Array.of(3) }], accBeta: [0.729, 0.997] },
    });
    const hot = 16 + new DataView(file.buffer).getUint32(12, true);
    const out = await fuzz('core.decodeCheckpoint', fc.oneof({ weight: 9, arbitrary: damagedBytes([file], hot) }, { weight: 1, arbitrary: hostile() }), (b) => decodeCheckpoint(b as Uint8Array), ours);
    expect(out.report).toBe('');
  });
});
