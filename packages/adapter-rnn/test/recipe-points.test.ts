// What presets and rules do to the RNN points, and the configurations refused with a clear error.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { QatjsError, RecipeError, getPreset, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import '@qatjs/quantizer-pact';
import { GRU, LSTM, sequenceClassifier } from '@qatjs/adapter-rnn';
import { useBackend } from '@qatjs/test-utils';

const silent = { onWarning: () => {} };
const points = (report: ReturnType<typeof prepare>) => report.points.map((p) => `${p.label}:${p.quantizer}${p.bits}${p.perChannel ? 'pc' : ''}`);

describe('RNN quantization points', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('presets quantize every RNN point: int8 weights per channel, 16-bit gates and cell, 8-bit hidden', () => {
    const m = sequenceClassifier({ cell: 'lstm', inputSize: 4, hidden: 3, classes: 2 });
    expect(points(prepare(m, 'w8a8', silent))).toEqual([
      'rnn.0/input:asymmetric8',
      'rnn.0/weight:uniform8pc',
      'rnn.0/recurrentWeight:uniform8pc',
      'rnn.0/hidden:asymmetric8',
      'rnn.0/gates:uniform16',
      'rnn.0/cell:uniform16',
      'head/weight:uniform8pc',
      'head/output:asymmetric8',
    ]);
    m.dispose();
    const g = sequenceClassifier({ cell: 'gru', inputSize: 4, hidden: 3, classes: 2, numLayers: 2 });
    expect(points(prepare(g, 'w4a4', silent)).filter((p) => p.startsWith('rnn.1'))).toEqual([
      'rnn.1/weight:uniform4pc',
      'rnn.1/recurrentWeight:uniform4pc',
      'rnn.1/hidden:asymmetric4',
      'rnn.1/inputGates:uniform16',
      'rnn.1/recurrentGates:uniform16',
    ]);
    g.dispose();
  });

  it('rules move any point: the cell to 8 bits, LSQ on the recurrent weights, the gates per channel', () => {
    const m = new LSTM({ inputSize: 4, hidden: 3, numLayers: 2 });
    const base = getPreset('w8a8');
    const report = prepare(
      m,
      { ...base, rules: [...base.rules, { match: 'LSTM', points: { cell: { bits: 8 }, recurrentWeight: { quantizer: 'lsq', bits: 4, perChannel: true }, gates: { perChannel: true } } }, { match: '1', points: { hidden: null } }] },
      silent,
    );
    const got = points(report);
    expect(got).toContain('0/cell:uniform8');
    expect(got).toContain('1/recurrentWeight:lsq4pc');
    expect(got).toContain('0/gates:uniform16pc');
    expect(got).toContain('0/hidden:asymmetric8');
    expect(got.some((p) => p.startsWith('1/hidden'))).toBe(false);
    m.dispose();
  });

  it('the cell scale is a power of two by default (uniform and lsq); rules turn it off or move the cell to 8 bits', () => {
    const x = tf.tidy(() => tf.mul(tf.randomNormal([4, 6, 4], 0, 1, 'float32', 5), 3));
    const cellOf = (recipe: Parameters<typeof prepare>[1]) => {
      const m = new LSTM({ inputSize: 4, hidden: 3 });
      prepare(m, recipe, silent);
      m.train(true);
      tf.dispose(m.forward(x));
      const q = m.layers[0].getQuantizer('cell');
      const p = { scale: q?.qparams().scale[0] as number, bits: q?.spec.bits, quantizer: q?.quantizer };
      m.dispose();
      return p;
    };
    const base = getPreset('w8a8');
    const isPow2 = (s: number) => Number.isInteger(Math.log2(s));
    const pow2 = cellOf('w8a8');
    expect(pow2).toMatchObject({ bits: 16, quantizer: 'uniform' });
    expect(isPow2(pow2.scale)).toBe(true);
    const observed = cellOf({ ...base, rules: [...base.rules, { match: 'LSTM', points: { cell: { powerOfTwoScale: false } } }] });
    expect(isPow2(observed.scale)).toBe(false);
    expect(pow2.scale).toBeGreaterThanOrEqual(observed.scale);
    expect(pow2.scale).toBeLessThan(2 * observed.scale);
    const eight = cellOf({ ...base, rules: [...base.rules, { match: 'LSTM', points: { cell: { bits: 8 } } }] });
    expect(eight.bits).toBe(8);
    expect(isPow2(eight.scale)).toBe(true);
    const lsq = cellOf(getPreset('w4a4', { weightQuantizer: 'lsq', activationQuantizer: 'lsq' }));
    expect(lsq).toMatchObject({ bits: 16, quantizer: 'lsq' });
    expect(isPow2(lsq.scale)).toBe(true);
    x.dispose();
  });

  it('refuses an unsigned quantizer on the cell and PACT on any RNN point, naming the point and the reason', () => {
    const m = new LSTM({ inputSize: 4, hidden: 3 });
    expect(() => prepare(m, { rules: [{ match: 'LSTM', weight: { quantizer: 'uniform', bits: 8 }, points: { cell: { signed: false } } }] }, silent)).toThrow(
      /point '0\/cell' .*the cell state is signed and needs a signed grid, got an unsigned one/,
    );
    for (const point of ['input', 'hidden', 'gates']) {
      expect(() => prepare(m, { rules: [{ match: 'LSTM', points: { [point]: { quantizer: 'pact', bits: 8 } } }] }, silent)).toThrow(RecipeError);
    }
    // PACT refuses points not declared non-negative itself; an unsigned uniform grid meets the RNN's check
    expect(() => prepare(m, { rules: [{ match: 'LSTM', points: { hidden: { quantizer: 'pact', bits: 8 } } }] }, silent)).toThrow(/point '0\/hidden' .*PACT clips to \[0, alpha\]/);
    expect(() => prepare(m, { rules: [{ match: 'LSTM', points: { hidden: { quantizer: 'uniform', bits: 8, signed: false } } }] }, silent)).toThrow(
      /point '0\/hidden' .*quantizer 'uniform' cannot quantize this point: its unsigned grid with zero point 0 clips every negative value to 0 .*the hidden state/,
    );
    expect(() => prepare(m, { rules: [{ match: 'LSTM', weight: { quantizer: 'asymmetric', bits: 8 } }] }, silent)).toThrow(/symmetric weights/);
    expect(m.namedQuantizers()).toEqual([]);
    m.dispose();
  });

  it('bad options and inputs: clear errors naming the layer and the problem', () => {
    expect(() => new LSTM({ inputSize: 4, hidden: 0 })).toThrow(/LSTM: hidden must be an integer >= 1 .*got 0/);
    expect(() => new GRU({ inputSize: 0, hidden: 2 })).toThrow(/GRU: inputSize must be an integer >= 1/);
    expect(() => new GRU({ inputSize: 2, hidden: 2, numLayers: 1.5 })).toThrow(/numLayers must be an integer/);
    expect(() => new LSTM({ inputSize: 2, hidden: 2, bidirectional: 'yes' as unknown as boolean })).toThrow(/bidirectional must be a boolean/);
    expect(() => new LSTM({ inputSize: 2, hidden: 2, hiden: 3 } as unknown as { inputSize: number; hidden: number })).toThrow(/unknown option 'hiden'/);
    const m = new LSTM({ inputSize: 2, hidden: 3, maxSteps: 4 });
    const long = tf.zeros([1, 5, 2]);
    expect(() => m.forward(long)).toThrow(/the sequence has 5 steps, more than the layer's maxSteps \(4\)/);
    expect(() => m.forward(tf.zeros([1, 3, 5]))).toThrow(/input has 5 channels, the layer expects 2/);
    expect(() => m.forward(tf.zeros([1, 3, 2]), { h: tf.zeros([2, 1, 3]) })).toThrow(/initial h must be \[1, batch, 3\]/);
    expect(() => new GRU({ inputSize: 2, hidden: 3 }).forward(tf.zeros([1, 3, 2]), { c: tf.zeros([1, 1, 3]) })).toThrow(/unknown state 'c'/);
    expect(() => m.forward(tf.zeros([1, 3, 2]))).not.toThrow();
    try {
      m.forward(long);
    } catch (e) {
      expect(e).toBeInstanceOf(QatjsError);
    }
    m.dispose();
  });
});
