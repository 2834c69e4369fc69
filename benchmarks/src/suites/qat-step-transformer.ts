// The qat-step rows of the character transformer: one training step (forward, backward, Adam) of
// charTransformer in float against the same model under a transformer preset, same process, wasm.
import * as tf from '@tensorflow/tfjs-core';
import { prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import { charTransformer, lmLoss, transformerPreset, type TransformerPresetName } from '@qatjs/adapter-transformer';
import { medianMs } from '../measure.ts';
import type { Row } from '../results.ts';

// w8a8-ibert: the integer-only nonlinearities' cost (their forward reads activations back to JavaScript)
const PRESETS: TransformerPresetName[] = ['w8a8-res16', 'w8a8-ibert', 'w4a8-lsq'];

export async function transformerStepRows(smoke: boolean): Promise<Row[]> {
  const size = smoke ? { dModel: 16, heads: 2, layers: 1, context: 8 } : { dModel: 128, heads: 4, layers: 4, context: 64 };
  const batch = smoke ? 2 : 16;
  const make = () => charTransformer({ vocab: 65, ...size, seed: 1 });
  const tokens = tf.tensor2d(Int32Array.from({ length: batch * size.context }, (_, i) => (i * 7) % 65), [batch, size.context], 'int32');
  const targets = tf.tensor2d(Int32Array.from({ length: batch * size.context }, (_, i) => (i * 7 + 1) % 65), [batch, size.context], 'int32');
  const stepper = (model: ReturnType<typeof make>) => {
    const opt = tf.train.adam(1e-4);
    const vars = model.trainableVariables();
    return {
      step: () => {
        const loss = opt.minimize(() => lmLoss(model.forward(tokens), targets), true, vars);
        loss?.dataSync();
        loss?.dispose();
      },
      dispose: () => opt.dispose(),
    };
  };
  const rows: Row[] = [];
  for (const preset of smoke ? PRESETS.slice(0, 1) : PRESETS) {
    const fp32 = make();
    const qat = make();
    prepare(qat, transformerPreset(preset), { onWarning: () => {} });
    const [a, q] = [stepper(fp32), stepper(qat)];
    a.step();
    q.step();
    const ms = await medianMs([{ name: 'fp32', fn: a.step }, { name: 'qat', fn: q.step }], { smoke, timeMs: 30_000 });
    const [fp32Ms, qatMs] = [ms.get('fp32') as number, ms.get('qat') as number];
    rows.push({ model: `char-transformer-${size.layers}x${size.dModel}`, backend: 'wasm', recipe: `transformer-${preset}`, batch, context: size.context, fp32Ms, qatMs, ratio: qatMs / fp32Ms });
    a.dispose();
    q.dispose();
    fp32.dispose();
    qat.dispose();
  }
  tf.dispose([tokens, targets]);
  return rows;
}
