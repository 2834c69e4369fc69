// The character-level LM helpers: charLstm's shapes, sampleText (seeded, state carried, validated),
// bitsPerCharacter (log2 V for a model that knows nothing; validated), and the converted char LM
// (int32 token input) against the fake-quant model.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrate, convert, prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { bitsPerCharacter, charLstm, sampleText } from '@qatjs/adapter-rnn';
import { runReference } from '@qatjs/ir';
import { useBackend } from '@qatjs/test-utils';

const VOCAB = 'abcdefgh ';
const ids = (text: string) => Int32Array.from([...text], (c) => VOCAB.indexOf(c));

describe('char-level LM helpers', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('charLstm maps token ids [B, T] to logits [B, T, V]; sampleText is seeded and carries the state', () => {
    const m = charLstm({ vocab: VOCAB, embed: 4, hidden: 8, layers: 2, seed: 3 });
    const logits = m.forward(tf.tensor2d([[0, 1, 2], [3, 4, 5]], [2, 3], 'int32'));
    expect(logits.shape).toEqual([2, 3, VOCAB.length]);
    logits.dispose();
    const before = tf.memory().numTensors;
    const a = sampleText(m, 'abc', { length: 20, temperature: 0.9, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toHaveLength(20);
    expect([...a].every((c) => VOCAB.includes(c))).toBe(true);
    expect(sampleText(m, 'abc', { length: 20, temperature: 0.9, seed: 5 })).toBe(a);
    expect(sampleText(m, 'abc', { length: 20, temperature: 0.9, seed: 6 })).not.toBe(a);
    // greedy: the carried state gives what re-running the whole prefix gives
    const greedy = sampleText(m, 'ab', { length: 3, temperature: 0 });
    const next = (prefix: string) =>
      tf.tidy(() => {
        const l = m.forward(tf.tensor2d([Array.from(ids(prefix))], [1, prefix.length], 'int32'));
        return VOCAB[tf.argMax(tf.slice(l, [0, prefix.length - 1, 0], [1, 1, -1]), 2).dataSync()[0]];
      });
    let prefix = 'ab';
    for (let i = 0; i < 3; i++) prefix += next(prefix);
    expect('ab' + greedy).toBe(prefix);
    m.dispose();
  });

  it('validates its inputs with errors naming the problem', () => {
    expect(() => charLstm({ vocab: 'aa', embed: 2, hidden: 2 })).toThrow(/distinct single characters/);
    expect(() => charLstm({ vocab: 5, embed: 0, hidden: 2 })).toThrow(/embed must be an integer >= 1/);
    const sized = charLstm({ vocab: 5, embed: 2, hidden: 2 });
    expect(() => sampleText(sized, 'a', { length: 2 })).toThrow(/built with vocab as a size/);
    const m = charLstm({ vocab: VOCAB, embed: 2, hidden: 2 });
    expect(() => sampleText(m, 'axz', { length: 2 })).toThrow(/character "x" at position 1 is not in the model's vocabulary/);
    expect(() => sampleText(m, '', { length: 2 })).toThrow(/prompt must be a non-empty string/);
    expect(() => sampleText(m, 'a', { length: 0 })).toThrow(/length must be an integer >= 1/);
    expect(() => sampleText(m, 'a', { length: 2, temperature: -1 })).toThrow(/temperature must be a finite number >= 0/);
    expect(() => bitsPerCharacter(m, Int32Array.of(0, 1, 99), { seqLen: 2 })).toThrow(/id 99 at position 2 is outside the vocabulary \[0, 9\)/);
    expect(() => bitsPerCharacter(m, Int32Array.of(0, 1), { seqLen: 4 })).toThrow(/make no window of 5/);
    expect(() => bitsPerCharacter(m, [0, 1] as unknown as Int32Array)).toThrow(/ids must be an Int32Array/);
    sized.dispose();
    m.dispose();
  });

  it('bitsPerCharacter is log2(V) for a model whose logits are all equal', () => {
    const m = charLstm({ vocab: VOCAB, embed: 2, hidden: 2 });
    tf.tidy(() => {
      m.head.weight.assign(tf.zerosLike(m.head.weight));
      m.head.bias?.assign(tf.zerosLike(m.head.bias));
    });
    expect(bitsPerCharacter(m, ids('abcabc abcdefgh hgf'), { seqLen: 4, batchSize: 2 })).toBeCloseTo(Math.log2(VOCAB.length), 5);
    m.dispose();
  });

  it('convert() takes int32 tokens and equals the fake-quant char LM (logit codes)', async () => {
    const m = charLstm({ vocab: VOCAB, embed: 4, hidden: 8, seed: 2 });
    prepare(m, 'w8a8', { onWarning: () => {} });
    const text = ids('abc defg habcd efgh abcdefgh ha bc');
    const x = tf.tensor2d(text.slice(0, 32), [2, 16], 'int32');
    await calibrate(m, [x]);
    m.eval();
    const ir = convert(m, { inputs: [{ name: 'tokens', shape: [-2], dtype: 'int32' }], floatOutput: false });
    expect(ir.nodes.map((n) => n.op)).toEqual(['embedding', 'lstm', 'gemm']);
    const q = ir.values.find((v) => v.name === ir.outputs[0])?.quant as { scale: Float32Array; zeroPoint: Int32Array };
    const codes = runReference(ir, { tokens: { data: text.slice(0, 32), shape: [2, 16] } })[ir.outputs[0]];
    const fake = tf.tidy(() => m.forward(x).dataSync());
    let worst = 0;
    for (let i = 0; i < fake.length; i++) worst = Math.max(worst, Math.abs(fake[i] / q.scale[0] + q.zeroPoint[0] - codes[i]));
    expect(worst).toBeLessThanOrEqual(1);
    x.dispose();
    m.dispose();
  });
});
