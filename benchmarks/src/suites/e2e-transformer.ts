// The e2e rows of the transformer: one pre-LN block (sequence 128, d_model 128, 4 heads) on the int
// runtime (W8A8, converted) against the same block in float on tfjs-backend-wasm, batch 1 and 16; and
// greedy generation with charTransformer (4x128, context 64), int8 against float, in tokens per second.
// The float model runs the real window; the int model, converted at the sequence lengths 8, 16, 32 and
// 64 (lengthBuckets), runs the window on the shortest that holds it, padded at the end (the integer
// ops need static lengths). Both generate the same tokens (checked before timing). `npm run bench --
// e2e-transformer` writes these rows alone (results/e2e-transformer.json, the e2e format).
import * as tf from '@tensorflow/tfjs-core';
import { Module, Sequential, calibrate, convert, prepare, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import { loadSession } from '@qatjs/backend-wasm';
import { TransformerBlock, bucketedNextLogits, charTransformer, convertAtLengths, generateGreedy, lengthBuckets, nextLogitsOf, transformerPreset } from '@qatjs/adapter-transformer';
import { initBackend } from '@qatjs/core';
import { medianMs } from '../measure.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';

/** Quantizes a float input (its `input` point), so that a block can be converted on its own. */
class QuantizedInput extends Module {
  readonly kind = 'QuantizedInput';
  override quantPoints(): QuantPointDecl[] {
    return [{ name: 'input', role: 'activation', channelAxis: 2 }];
  }
  forward(x: tf.Tensor): tf.Tensor {
    return this.quantize('input', x);
  }
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    return ctx.layerInput(this, inputs[0]);
  }
}

const randn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

async function blockRows(smoke: boolean): Promise<Row[]> {
  const [t, d, heads] = smoke ? [16, 16, 2] : [128, 128, 4];
  const make = () => new TransformerBlock({ dModel: d, heads, context: t, seed: 1 });
  const float = make();
  float.eval();
  const quant = new Sequential([new QuantizedInput(), make()]);
  prepare(quant, { rules: [...transformerPreset('w8a8').rules, { match: 'QuantizedInput', input: { quantizer: 'asymmetric', bits: 8 } }] }, { onWarning: () => {} });
  const calib = [randn([8, t, d], 2)];
  await calibrate(quant, calib);
  quant.eval();
  const session = await loadSession(convert(quant, { inputShape: [t, d] }));
  const rows: Row[] = [];
  for (const batch of smoke ? [1] : [1, 16]) {
    const x = tf.tidy(() => randn([batch, t, d], 3).dataSync() as Float32Array);
    const tasks = [
      { name: 'tfjs-wasm-f32', fn: () => tf.tidy(() => float.forward(tf.tensor3d(x, [batch, t, d])).dataSync()) },
      { name: 'qatjs-int8', fn: () => session.run({ input: x }) },
    ];
    const ms = await medianMs(tasks, { smoke, timeMs: batch === 1 ? 4000 : 8000 });
    const base = ms.get('tfjs-wasm-f32') as number;
    const int = ms.get('qatjs-int8') as number;
    rows.push({ model: 'transformer-block', batch, engine: 'tfjs-wasm-f32', weights: 'float32', seq: t, dModel: d, heads, msPerBatch: base, speedup: 1 });
    rows.push({ model: 'transformer-block', batch, engine: 'qatjs-int8', weights: 'int8', recipe: 'transformer-w8a8', seq: t, dModel: d, heads, msPerBatch: int, speedup: base / int });
  }
  session.dispose();
  tf.dispose(calib);
  float.dispose();
  quant.dispose();
  return rows;
}

async function generationRows(smoke: boolean): Promise<Row[]> {
  const size = smoke ? { dModel: 16, heads: 2, layers: 1, context: 8 } : { dModel: 128, heads: 4, layers: 4, context: 64 };
  const vocab = 65;
  const tokens = smoke ? 8 : 64;
  const float = charTransformer({ vocab, ...size, seed: 1 });
  const quant = charTransformer({ vocab, ...size, seed: 1 });
  prepare(quant, transformerPreset('w8a8'), { onWarning: () => {} });
  const calib = [tf.tensor2d(Int32Array.from({ length: 8 * size.context }, (_, i) => (i * 13) % vocab), [8, size.context], 'int32')];
  await calibrate(quant, calib);
  quant.eval();
  const lengths = lengthBuckets(size.context, smoke ? 4 : 8);
  const buckets = await Promise.all(convertAtLengths(quant, lengths).map(async (c) => ({ length: c.length, session: await loadSession(c.model) })));
  const intNext = bucketedNextLogits(buckets, { vocab });
  const prompt = Int32Array.of(1, 2, 3);
  // does the int8 model generate what its fake-quant model does? (the float model, another network, need not)
  const [want, got] = [generateGreedy(nextLogitsOf(quant), prompt, tokens, size.context), generateGreedy(intNext, prompt, tokens, size.context)];
  const matchesFakeQuant = want.join() === got.join();
  const ms = await medianMs(
    [
      { name: 'tfjs-wasm-f32', fn: () => generateGreedy(nextLogitsOf(float), prompt, tokens, size.context) },
      { name: 'qatjs-int8', fn: () => generateGreedy(intNext, prompt, tokens, size.context) },
    ],
    { smoke, timeMs: 12000, rounds: 3 },
  );
  const rows: Row[] = [];
  for (const engine of ['tfjs-wasm-f32', 'qatjs-int8']) {
    const msPerToken = (ms.get(engine) as number) / tokens;
    const speedup = (ms.get('tfjs-wasm-f32') as number) / (ms.get(engine) as number);
    const int = engine === 'qatjs-int8';
    rows.push({ model: 'char-transformer-gen', batch: 1, engine, weights: int ? 'int8' : 'float32', ...(int ? { recipe: 'transformer-w8a8', lengths: lengths.join(' '), matchesFakeQuant } : {}), layers: size.layers, dModel: size.dModel, context: size.context, tokens, msPerBatch: msPerToken, tokensPerSecond: 1000 / msPerToken, speedup });
  }
  for (const b of buckets) b.session.dispose();
  tf.dispose(calib);
  float.dispose();
  quant.dispose();
  return rows;
}

/** The transformer's e2e rows: the block at batch 1 and 16, and generation. */
export async function transformerE2eRows(smoke: boolean): Promise<Row[]> {
  return [...(await blockRows(smoke)), ...(await generationRows(smoke))];
}

export const suite: Suite = {
  name: 'e2e-transformer',
  description: 'transformer inference: one block (seq 128, d 128, 4 heads) batch 1 and 16, and char-transformer generation, qatjs int8 vs tfjs-backend-wasm float32',
  async run({ smoke }) {
    tf.enableProdMode();
    await initBackend('wasm');
    return transformerE2eRows(smoke);
  },
};
