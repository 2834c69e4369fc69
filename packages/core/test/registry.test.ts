import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  QatjsError,
  QuantizerOptionError,
  createQuantizer,
  getQuantizerPlugin,
  listQuantizers,
  registerQuantizer,
  unregisterQuantizer,
  validateQuantizerOptions,
  type QuantPoint,
} from '@qatjs/core';
import { testObservedQuantizer } from './helpers/test-layers.ts';

const point: QuantPoint = { name: 'weight', role: 'weight', path: 'fc1', layerKind: 'Dense', label: 'fc1/weight', channelAxis: 1, shape: [4, 3] };
const actPoint: QuantPoint = { name: 'input', role: 'activation', path: 'fc1', layerKind: 'Dense', label: 'fc1/input' };

describe('quantizer registry', () => {
  beforeAll(() => registerQuantizer(testObservedQuantizer));
  afterAll(() => unregisterQuantizer('test-observed'));

  it('registers, lists and creates by name', () => {
    expect(listQuantizers()).toContain('test-observed');
    expect(getQuantizerPlugin('test-observed')).toBe(testObservedQuantizer);
    const q = createQuantizer('test-observed', { bits: 4, perChannel: true }, point);
    expect(q.quantizer).toBe('test-observed');
    expect(q.spec).toEqual({ bits: 4, signed: true, symmetric: true, narrowRange: false, axis: 1 });
    expect(q.point).toBe(point);
  });

  it('is idempotent for the same plugin and refuses a different one under a taken name', () => {
    expect(() => registerQuantizer(testObservedQuantizer)).not.toThrow();
    const impostor = { ...testObservedQuantizer };
    expect(() => registerQuantizer(impostor)).toThrow(/'test-observed' is already registered by another plugin/);
    registerQuantizer(impostor, { override: true });
    expect(getQuantizerPlugin('test-observed')).toBe(impostor);
    registerQuantizer(testObservedQuantizer, { override: true });
  });

  it('rejects malformed plugins', () => {
    expect(() => registerQuantizer({ name: '9lives', description: '', validate: () => ({}), create: () => ({}) as never })).toThrow(/name must start with a letter/);
    expect(() => registerQuantizer({ name: 'half', description: '' } as never)).toThrow(/has no validate\(\) function/);
  });

  it('names the unknown quantizer, the registered ones and where to get it', () => {
    expect(() => createQuantizer('lsq', { bits: 4 }, point)).toThrow(QatjsError);
    expect(() => createQuantizer('lsq', { bits: 4 }, point)).toThrow(/unknown quantizer "lsq"; registered: .*test-observed.*'@qatjs\/quantizer-lsq'/);
  });

  it('names the quantizer and the option in option errors', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /quantizer 'test-observed': option 'bits' is required \(an integer in 2\.\.16\)/],
      [{ bits: 1 }, /quantizer 'test-observed': option 'bits' must be an integer in 2\.\.16, got 1/],
      [{ bits: -4 }, /option 'bits' must be an integer in 2\.\.16, got -4/],
      [{ bits: 8, signed: 'no' }, /option 'signed' must be true or false, got "no"/],
      [{ bits: 8, bitz: 8 }, /unknown option 'bitz' \(known options: bits, signed, narrowRange, perChannel, observer\)/],
      [{ bits: 8, observer: 'median' }, /option 'observer': unknown observer "median"/],
      [{ bits: 8, observer: { name: 'movingAverageMinMax', momentum: 2 } }, /option 'momentum' must be a number in \(0, 1\], got 2/],
    ];
    for (const [opts, message] of cases) {
      expect(() => validateQuantizerOptions('test-observed', opts)).toThrow(QuantizerOptionError);
      expect(() => validateQuantizerOptions('test-observed', opts)).toThrow(message);
    }
  });

  it('rejects options that cannot work at the point', () => {
    expect(() => createQuantizer('test-observed', { bits: 8, perChannel: true }, actPoint)).toThrow(
      /at 'fc1\/input': option 'perChannel' needs a channel axis, and this point declares none/,
    );
    expect(() => createQuantizer('test-observed', { bits: 8, signed: false, narrowRange: true }, point)).toThrow(/narrowRange applies to signed specs only/);
  });
});
