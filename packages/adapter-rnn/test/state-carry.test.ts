// convert() with lowerStates: the initial states are graph inputs (h0, c0: codes) and the final
// states graph outputs (hT, cT), so a sequence can be fed in pieces. Two runs of the integer model,
// the second starting from the first one's final states, equal one run on the whole sequence (the
// reference interpreter and the int runtime, code for code), and that equals the fake-quant model.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrate, convert, prepare, type Module, type ModuleOutput } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { GRU, LSTM, sequenceClassifier, zeroStates } from '@qatjs/adapter-rnn';
import { batches, loadMnist, type LabeledSet } from '@qatjs/datasets';
import { runReference, type IntModel } from '@qatjs/ir';
import { loadSession } from '@qatjs/backend-wasm';
import { useBackend } from '@qatjs/test-utils';

const [B, T, I] = [8, 28, 28];
let rows: LabeledSet;
let x: Float32Array;

/** Steps [from, to) of x [B, T, I]. */
function steps(data: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array(B * (to - from) * I);
  for (let b = 0; b < B; b++) out.set(data.subarray((b * T + from) * I, (b * T + to) * I), b * (to - from) * I);
  return out;
}

/** PTQ on MNIST rows (the grids from real data), then eval. */
async function calibrated<M extends Module<ModuleOutput>>(m: M): Promise<M> {
  prepare(m, 'w8a8', { onWarning: () => {} });
  await calibrate(m, (function* () {
    for (const b of batches(rows, { batchSize: 64, seed: 1 })) yield { x: b.x, shape: b.shape };
  })(), { maxBatches: 2 });
  m.eval();
  return m;
}

type Run = (inputs: Record<string, { data: Float32Array | Int8Array | Int16Array; shape: number[] }>) => Record<string, ArrayLike<number>>;

/** Whole sequence from zero states, and the same sequence in two pieces carrying the states. */
function inPieces(ir: IntModel, run: Run, split: number) {
  const states = (out: Record<string, ArrayLike<number>>) => {
    const next: Record<string, { data: Int8Array | Int16Array; shape: number[] }> = {};
    for (const [name, zero] of Object.entries(zeroStates(ir, B))) {
      const final = out[name.replace(/^h0/, 'hT').replace(/^c0/, 'cT')];
      next[name] = { data: zero.data instanceof Int16Array ? Int16Array.from(final) : Int8Array.from(final), shape: zero.shape };
    }
    return next;
  };
  const whole = run({ input: { data: x, shape: [B, T, I] }, ...zeroStates(ir, B) });
  const first = run({ input: { data: steps(x, 0, split), shape: [B, split, I] }, ...zeroStates(ir, B) });
  const second = run({ input: { data: steps(x, split, T), shape: [B, T - split, I] }, ...states(first) });
  return { whole, first, second };
}

describe('convert() with lowerStates: the states in and out of the integer model', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    const mnist = await loadMnist({ split: 'train', limit: 128 });
    rows = { ...mnist, shape: [128, T, I] };
    x = (await loadMnist({ split: 'test', limit: B })).x;
  });

  it('a 2-layer LSTM: two runs carrying h and c equal one run on the whole sequence (reference and int runtime), and the fake-quant model', async () => {
    const lstm = await calibrated(new LSTM({ inputSize: I, hidden: 12, numLayers: 2, maxSteps: T, lowerStates: true, seed: 4 }));
    const ir = convert(lstm, { inputShape: [-2, I], floatOutput: false });
    const y = ir.outputs[0];
    expect(ir.outputs.slice(1)).toEqual(['hT.0', 'cT.0', 'hT.1', 'cT.1']);
    expect(ir.inputs).toEqual(['input', 'h0.0', 'c0.0', 'h0.1', 'c0.1']);
    const decl = (n: string) => ir.values.find((v) => v.name === n);
    expect(decl('c0.1')?.dtype).toBe('int16');
    expect(decl('hT.1')?.dtype).toBe('int8');
    const session = await loadSession(ir);
    const engines: Array<[string, Run]> = [
      ['reference', (inputs) => runReference(ir, inputs)],
      ['int runtime', (inputs) => session.run(inputs as never)],
    ];
    const results = engines.map(([name, run]) => {
      const { whole, first, second } = inPieces(ir, run, 11);
      // y of the pieces, joined in time, is y of the whole; the final states are the whole run's
      const joined = new Int8Array(B * T * 12);
      for (let b = 0; b < B; b++) {
        joined.set(Int8Array.from(first[y]).subarray(b * 11 * 12, (b + 1) * 11 * 12), b * T * 12);
        joined.set(Int8Array.from(second[y]).subarray(b * 17 * 12, (b + 1) * 17 * 12), (b * T + 11) * 12);
      }
      expect([name, Array.from(joined)]).toEqual([name, Array.from(whole[y])]);
      for (const s of ['hT.0', 'cT.0', 'hT.1', 'cT.1']) expect([name, s, Array.from(second[s])]).toEqual([name, s, Array.from(whole[s])]);
      return whole;
    });
    session.dispose();
    // the fake-quant model on the whole sequence: every output and state within the stated quanta
    const fake = tf.tidy(() => {
      const out = lstm.forward(tf.tensor(x, [B, T, I]));
      return { y: out.output.dataSync(), h: out.h.dataSync(), c: out.c.dataSync() };
    });
    const hq = decl(y)?.quant as { scale: Float32Array; zeroPoint: Int32Array };
    const cq = decl('cT.1')?.quant as { scale: Float32Array };
    const quanta = (codes: ArrayLike<number>, real: ArrayLike<number>, s: number, z: number) => Math.max(...Array.from(codes, (q, i) => Math.abs((q - z) * s - real[i]) / s));
    const whole = results[0];
    const worstY = quanta(whole[y], fake.y, hq.scale[0], hq.zeroPoint[0]);
    const worstH = quanta(whole['hT.1'], fake.h.subarray(B * 12), hq.scale[0], hq.zeroPoint[0]);
    const worstC = quanta(whole['cT.1'], fake.c.subarray(B * 12), cq.scale[0], 0);
    console.log(`2-layer LSTM, states carried over 11 + 17 steps: int = whole sequence code for code; vs fake-quant: y ${worstY.toFixed(3)}, hT ${worstH.toFixed(3)} hidden quanta, cT ${worstC.toFixed(3)} cell quanta`);
    expect(worstY).toBeLessThanOrEqual(2);
    expect(worstH).toBeLessThanOrEqual(2);
    expect(worstC).toBeLessThanOrEqual(8); // 16-bit cell quanta: a moved gate code moves c by a few
    lstm.dispose();
  });

  it('a GRU classifier: the logits of the second piece equal the whole sequence’s; the fake-quant model from the same states agrees', async () => {
    const m = await calibrated(sequenceClassifier({ cell: 'gru', inputSize: I, hidden: 16, classes: 10, maxSteps: T, lowerStates: true, seed: 5 }));
    const ir = convert(m, { inputShape: [-2, I] });
    expect(ir.outputs).toEqual(['output', 'hT']);
    expect(ir.inputs).toEqual(['input', 'h0']);
    const { whole, first, second } = inPieces(ir, (inputs) => runReference(ir, inputs), 14);
    expect(Array.from(second.output)).toEqual(Array.from(whole.output));
    expect(Array.from(second.hT)).toEqual(Array.from(whole.hT));
    // the fake-quant model started from the first piece's final state (dequantized codes)
    const hq = ir.values.find((v) => v.name === 'hT')?.quant as { scale: Float32Array; zeroPoint: Int32Array };
    const h1 = Float32Array.from(first.hT, (q) => Math.fround((q - hq.zeroPoint[0]) * hq.scale[0]));
    const fake = tf.tidy(() => {
      const out = m.rnn.forward(tf.tensor(steps(x, 14, T), [B, T - 14, I]), { h: tf.tensor(h1, [1, B, 16]) });
      return m.head.forward(out.output).dataSync();
    });
    const logitScale = (ir.values.find((v) => v.name === ir.nodes.find((n) => n.outputs[0] === 'output')?.inputs[0])?.quant as { scale: Float32Array }).scale[0];
    const worst = Math.max(...Array.from(second.output, (v, i) => Math.abs(v - fake[i]))) / logitScale;
    console.log(`GRU classifier, state carried over 14 + 14 steps: logits = whole sequence; fake-quant from the carried state within ${worst.toFixed(3)} quanta`);
    expect(worst).toBeLessThanOrEqual(2);
    m.dispose();
  });

  it('without lowerStates the integer model keeps one input and one output; bad options and models are refused clearly', async () => {
    const gru = await calibrated(new GRU({ inputSize: I, hidden: 4, maxSteps: T }));
    const ir = convert(gru, { inputShape: [-2, I] });
    expect(ir.inputs).toEqual(['input']);
    expect(ir.outputs).toEqual(['output']);
    expect(() => zeroStates(ir, 1)).toThrow(/no state inputs/);
    expect(() => new LSTM({ inputSize: 2, hidden: 2, lowerStates: 'yes' as unknown as boolean })).toThrow(/lowerStates must be a boolean/);
    gru.dispose();
  });
});
