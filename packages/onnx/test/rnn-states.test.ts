// A char LSTM converted with lowerStates (graph inputs h0, c0 and outputs hT, cT: codes), exported as
// the unrolled QDQ graph: onnxruntime-web, fed text in two windows with the first window's final
// states carried into the second, agrees with the int runtime doing the same, and the carried run
// equals one run on the whole text (int runtime, code for code).
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { convert } from '@qatjs/core';
import { zeroStates } from '@qatjs/adapter-rnn';
import { loadSession } from '@qatjs/backend-wasm';
import { loadTinyShakespeare } from '@qatjs/datasets';
import { compareLogits } from '@qatjs/test-models';
import { useBackend } from '@qatjs/test-utils';
import { decodeModelProto, exportOnnx } from '../src/index.ts';
import { calibratedCharLstm } from './helpers/char-lstm.ts';
import { ortSession } from './helpers/ort.ts';
import { outputGrid } from './helpers/qat.ts';

describe('a char LSTM with its states as graph inputs and outputs', () => {
  it('exports h0, c0 in and hT, cT out; two windows carrying the states agree with the int runtime, which equals one run on both windows', async () => {
    await useBackend('wasm');
    const corpus = await loadTinyShakespeare();
    const [B, T, H] = [4, 16, 24];
    const m = await calibratedCharLstm(corpus, B, T, { embed: 12, hidden: H, seed: 5, lowerStates: true });
    const ir = convert(m, { inputs: [{ name: 'tokens', shape: [-2], dtype: 'int32' }] });
    expect(ir.inputs).toEqual(['tokens', 'h0', 'c0']);
    expect(ir.outputs).toEqual(['output', 'hT', 'cT']);
    const bytes = exportOnnx(ir, { inputShapes: { tokens: [null, T] } });
    const graph = decodeModelProto(bytes).graph;
    expect(graph.input.map((i) => i.name)).toEqual(['tokens', 'h0', 'c0']);
    expect(graph.output.map((o) => o.name)).toEqual(['output', 'hT', 'cT']);
    // two windows of T characters per sequence, and the whole 2T
    const text = corpus.validation.slice(0, 2 * B * T);
    const window = (w: number) => Int32Array.from({ length: B * T }, (_, i) => text[Math.floor(i / T) * 2 * T + w * T + (i % T)]);
    const session = await loadSession(ir);
    const zero = zeroStates(ir, B);
    const run1 = session.run({ tokens: { data: window(0), shape: [B, T] }, ...zero } as never);
    const carried = { h0: { data: Int8Array.from(run1.hT), shape: [B, H] }, c0: { data: Int16Array.from(run1.cT), shape: [B, H] } };
    const run2 = session.run({ tokens: { data: window(1), shape: [B, T] }, ...carried } as never);
    const whole = session.run({ tokens: { data: text, shape: [B, 2 * T] }, ...zero } as never);
    session.dispose();
    const V = corpus.vocabSize;
    // the second window's logits are the last T positions of the whole run's
    const tail = Float32Array.from({ length: B * T * V }, (_, i) => whole.output[(Math.floor(i / (T * V)) * 2 * T + T) * V + (i % (T * V))]);
    expect(Array.from(run2.output)).toEqual(Array.from(tail));
    expect(Array.from(run2.hT)).toEqual(Array.from(whole.hT));
    expect(Array.from(run2.cT)).toEqual(Array.from(whole.cT));
    // onnxruntime-web, the same two windows
    const s = await ortSession(bytes, 'all');
    const feeds = (tokens: Int32Array, h: Int8Array, c: Int16Array) => ({
      tokens: new ort.Tensor('int32', tokens, [B, T]), h0: new ort.Tensor('int8', h, [B, H]), c0: new ort.Tensor('int16', c, [B, H]),
    });
    const o1 = await s.run(feeds(window(0), zero.h0.data as Int8Array, zero.c0.data as Int16Array));
    const o2 = await s.run(feeds(window(1), o1.hT.data as Int8Array, o1.cT.data as Int16Array));
    await s.release();
    const grid = outputGrid(ir);
    const cmp = compareLogits(run2.output as Float32Array, o2.output.data as Float32Array, V, grid.scale, grid.zeroPoint, { dequantized: true });
    const stateDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - Number(b[i]))));
    console.log(`charLstm with states, 2 windows of ${T}: onnxruntime vs int runtime argmax ${cmp.sameArgmax}/${B * T}, logits within ${cmp.worstQuanta.toFixed(3)} quanta, hT within ${stateDiff(run2.hT, o2.hT.data as Int8Array)} codes, cT within ${stateDiff(run2.cT, o2.cT.data as Int16Array)} cell codes`);
    expect(cmp.sameArgmax).toBeGreaterThanOrEqual(B * T - 1);
    expect(cmp.worstQuanta).toBeLessThanOrEqual(1 + 1e-3);
    expect(stateDiff(run2.hT, o2.hT.data as Int8Array)).toBeLessThanOrEqual(1);
    expect(stateDiff(run2.cT, o2.cT.data as Int16Array)).toBeLessThanOrEqual(8);
    m.dispose();
  });
});
