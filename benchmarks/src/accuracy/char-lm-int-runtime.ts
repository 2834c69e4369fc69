// A QAT character model converted to an IntModel and run on the int runtime (backend-wasm) over the
// validation windows: its bits per character beside the fake-quant model's, and how closely its
// logits follow them (argmax agreement, the largest difference in output quanta).
import * as tf from '@tensorflow/tfjs-core';
import { compareLogits, convert, type Module } from '@qatjs/core';
import { loadSession } from '@qatjs/backend-wasm';
import type { CharCorpus } from '@qatjs/datasets';
import type { Row } from '../results.ts';
import type { ModelSize } from './char-lm-protocol.ts';

/** -log2 softmax(logits)[target], summed over rows of `v` logits. */
function bitsOf(logits: ArrayLike<number>, targets: Int32Array, v: number): number {
  let bits = 0;
  for (let r = 0; r < targets.length; r++) {
    let max = -Infinity;
    for (let c = 0; c < v; c++) max = Math.max(max, logits[r * v + c]);
    let sum = 0;
    for (let c = 0; c < v; c++) sum += Math.exp(logits[r * v + c] - max);
    bits += (Math.log(sum) + max - logits[r * v + targets[r]]) / Math.LN2;
  }
  return bits;
}

export async function intRuntimeBpcFields(model: Module, corpus: CharCorpus, size: ModelSize, limit = Infinity): Promise<Row> {
  model.eval();
  let ir;
  try {
    ir = convert(model, { inputShape: [size.context], input: { dtype: 'int32' } });
  } catch (e) {
    model.train();
    return { intRuntimeValue: null, intRuntimeNote: `not convertible: ${(e as Error).message.slice(0, 200)}` };
  }
  const head = ir.values.find((v) => v.name === ir.nodes[ir.nodes.length - 1].inputs[0]);
  const [scale, zeroPoint] = [head?.quant?.scale[0] ?? NaN, head?.quant?.zeroPoint[0] ?? 0]; // compareLogits refuses NaN
  const session = await loadSession(ir);
  const v = corpus.vocabSize;
  let [bits, count, agree, worst, seen] = [0, 0, 0, 0, 0];
  try {
    for (const b of corpus.windows({ split: 'validation', seqLen: size.context, batchSize: 64 })) {
      if (seen++ >= limit) break;
      const int = session.run({ input: b.x })[ir.outputs[0]] as Float32Array;
      const fake = tf.tidy(() => model.forward(tf.tensor2d(b.x, b.shape, 'int32')).dataSync());
      bits += bitsOf(int, b.y, v);
      count += b.y.length;
      const cmp = compareLogits(fake, int, v, scale, zeroPoint, { dequantized: true });
      worst = Math.max(worst, cmp.worstQuanta);
      agree += cmp.sameArgmax;
    }
  } finally {
    session.dispose();
    model.train();
  }
  return { intRuntimeValue: bits / count, intArgmaxAgreement: (100 * agree) / count, intMaxQuantumDiff: worst };
}
