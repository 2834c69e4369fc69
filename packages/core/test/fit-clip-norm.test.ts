// fit's clipNorm: one plain SGD step moves the weights by -lr * g * min(1, clip / ||g||), where ||g|| is
// the L2 norm of all gradients together (docs/training.md). Checked on the 8x8 digits.
import { beforeAll, describe, expect, it } from 'vitest';
import { QatjsError, fit, type FitOptions, type Module } from '@qatjs/core';
import { loadDigits, type LabeledSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';
import { digitsFitOptions, digitsMlp } from './helpers/digits-fit.ts';

let digits: LabeledSet;
const oneSgdStep = (over: Partial<FitOptions>): FitOptions => digitsFitOptions(() => digits, 1, { optimizer: { kind: 'sgd' }, learningRate: 0.5, maxSteps: 1, ...over });
const flatWeights = (m: Module) => Float64Array.from(m.namedParameters().flatMap(([, v]) => Array.from(v.dataSync())));

async function stepDelta(over: Partial<FitOptions>): Promise<Float64Array> {
  const m = digitsMlp();
  const before = flatWeights(m);
  await fit(m, oneSgdStep(over));
  const after = flatWeights(m);
  m.dispose();
  return after.map((w, i) => w - before[i]);
}
const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('fit clipNorm', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    digits = await loadDigits();
  });

  it('scales a step whose gradient norm exceeds the bound to exactly that norm, keeping its direction', async () => {
    const free = await stepDelta({});
    const gradNorm = norm(free) / 0.5;
    expect(gradNorm).toBeGreaterThan(0.05); // the bound below really binds
    const clipped = await stepDelta({ clipNorm: 0.01 });
    expect(norm(clipped) / 0.5).toBeCloseTo(0.01, 5);
    const ratio = 0.01 / gradNorm;
    let worst = 0;
    for (let i = 0; i < free.length; i++) worst = Math.max(worst, Math.abs(clipped[i] - free[i] * ratio));
    expect(worst).toBeLessThan(1e-6 * Math.max(...free.map(Math.abs)) + 1e-9);
  });

  it('leaves a step under the bound unchanged, and 0 turns clipping off', async () => {
    const free = await stepDelta({});
    expect(await stepDelta({ clipNorm: 1e6 })).toEqual(free);
    expect(await stepDelta({ clipNorm: 0 })).toEqual(free);
  });

  it('refuses a negative or non-finite bound', async () => {
    for (const clipNorm of [-1, Number.NaN, Number.POSITIVE_INFINITY, '1' as never]) {
      const m = digitsMlp();
      await expect(fit(m, oneSgdStep({ clipNorm }))).rejects.toThrow(QatjsError);
      await expect(fit(m, oneSgdStep({ clipNorm }))).rejects.toThrow(/clipNorm must be a finite number >= 0/);
      m.dispose();
    }
  });
});
