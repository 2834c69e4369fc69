// End-to-end MNIST CNN inference: the integer model on our WASM SIMD kernels (loadSession, float
// pixels in, float logits out) against the same float model's forward pass on tfjs-backend-wasm, in
// the same process, batch 1 and 64. The transformer's rows (a block, generation) come from
// e2e-transformer.ts. Both sides start from a Float32Array and end with logits in JS.
// The float side runs the deployable form of the model: batch norm folded once, fused conv + bias +
// activation (checked to compute the same logits as the layers' own eval-mode forward).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@qatjs/core';
import { loadSession } from '@qatjs/backend-wasm';
import { loadMnist } from '@qatjs/datasets';
import { foldForInference } from '@qatjs/adapter-cnn';
import { CNN_MODELS, INT_FORMATS, convertedModel } from '../int-models.ts';
import { medianMs } from '../measure.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';
import { transformerE2eRows } from './e2e-transformer.ts';

function checkSameLogits(model: { forward(x: tf.Tensor): tf.Tensor }, folded: (x: tf.Tensor) => tf.Tensor, x: Float32Array): void {
  const diff = tf.tidy(() => {
    const input = tf.tensor(x, [x.length / 784, 28, 28, 1]);
    return tf.max(tf.abs(tf.sub(model.forward(input), folded(input)))).dataSync()[0];
  });
  if (!(diff < 1e-3)) throw new Error(`the folded float model differs from the layers' forward by ${diff}`);
}

export const suite: Suite = {
  name: 'e2e',
  description: 'MNIST CNN inference, batch 1 and 64: qatjs int runtime (int8 and int4 weights) vs the float model on tfjs-backend-wasm',
  async run({ smoke }) {
    tf.enableProdMode();
    await initBackend('wasm');
    const images = await loadMnist({ split: 'test', limit: 256 });
    const rows: Row[] = [];
    const models = smoke ? ['lenet-bn'] : Object.keys(CNN_MODELS);
    for (const modelName of models) {
      const make = CNN_MODELS[modelName];
      const model = make();
      model.eval();
      const float = foldForInference(model);
      checkSameLogits(model, float.forward, images.x.slice(0, 8 * 784));
      // qatjs-int8: plain SIMD128 kernels; qatjs-int8-relaxed: the same model on the relaxed-SIMD
      // kernels, where the runtime passes their known-answer check (Deno, Bun; not Node 20).
      const sessions = (
        await Promise.all(
          Object.entries(INT_FORMATS).map(async ([weights, preset]) => {
            const ir = await convertedModel(make, preset, images);
            const plain = { engine: 'qatjs-int8', weights, preset, session: await loadSession(ir, { relaxedSimd: false }) };
            const relaxed = await loadSession(ir, { relaxedSimd: true });
            if (!relaxed.features.relaxedSimd.used) relaxed.dispose();
            return relaxed.features.relaxedSimd.used ? [plain, { engine: 'qatjs-int8-relaxed', weights, preset, session: relaxed }] : [plain];
          }),
        )
      ).flat();
      const probe = images.x.slice(0, 8 * 784);
      for (const s of sessions.filter((t) => t.engine === 'qatjs-int8-relaxed')) {
        const plain = sessions.find((t) => t.engine === 'qatjs-int8' && t.weights === s.weights) as (typeof sessions)[number];
        const [want, got] = [plain.session.run({ input: probe }), s.session.run({ input: probe })];
        for (const name of Object.keys(want)) {
          if (!want[name].every((v, i) => Object.is(v, got[name][i]))) throw new Error(`${modelName} ${s.weights}: the relaxed-SIMD session's ${name} differs from the plain one's`);
        }
      }
      for (const batch of smoke ? [1] : [1, 64]) {
        const x = images.x.slice(0, batch * 784);
        const tfjs = () => tf.tidy(() => float.forward(tf.tensor(x, [batch, 28, 28, 1])).dataSync());
        const tasks = [
          { name: 'tfjs-wasm-f32', fn: tfjs },
          ...sessions.map((s) => ({ name: `${s.engine}-${s.weights}`, fn: () => s.session.run({ input: x }) })),
        ];
        const ms = await medianMs(tasks, { smoke, timeMs: batch === 1 ? 3000 : 6000 });
        const base = ms.get('tfjs-wasm-f32') as number;
        rows.push({ model: modelName, batch, engine: 'tfjs-wasm-f32', weights: 'float32', msPerBatch: base, speedup: 1 });
        for (const s of sessions) {
          const t = ms.get(`${s.engine}-${s.weights}`) as number;
          rows.push({ model: modelName, batch, engine: s.engine, weights: s.weights, recipe: s.preset, msPerBatch: t, speedup: base / t });
        }
      }
      for (const s of sessions) s.session.dispose();
      float.dispose();
      model.dispose();
    }
    rows.push(...(await transformerE2eRows(smoke)));
    return rows;
  },
};
