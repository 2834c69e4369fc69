// The quantizer guide's per-channel weight plugin (section 9) with public exports only: specForPoint
// gives the per-channel axis, initialValue() the (BN-folded) weight, qparams() the grid convert()
// stores; getPreset(name, { weightQuantizer }) puts it in a preset; the int runtime agrees.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrate, convert, getPreset, initBackend, prepare } from '@qatjs/core';
import '@qatjs/quantizer-asymmetric';
import { lenet } from '@qatjs/adapter-cnn';
import { loadSession } from '@qatjs/backend-wasm';
import { batches, loadMnist, type LabeledSet } from '@qatjs/datasets';
import '../src/pow2-weight-quantizer.ts';

let mnist: LabeledSet;
beforeAll(async () => {
  await initBackend('wasm');
  mnist = await loadMnist({ split: 'test', limit: 256 });
});

describe('a per-channel weight quantizer plugin (the guide, section 9)', () => {
  it('goes into a preset, stores power-of-two per-channel scales, converts, and the int runtime agrees', async () => {
    const model = lenet({ seed: 2 });
    const report = prepare(model, getPreset('w4a8', { weightQuantizer: 'pow2' }), { onWarning: () => {} });
    const weights = report.points.filter((p) => p.label.endsWith('/weight'));
    expect(weights.map((p) => `${p.label}:${p.quantizer}:${p.bits}:${p.perChannel}`)).toEqual([
      'conv1/weight:pow2:4:true',
      'conv2/weight:pow2:4:true',
      'fc1/weight:pow2:4:true',
      'fc2/weight:pow2:4:true',
    ]);
    const q = model.namedQuantizers().find(([l]) => l === 'conv2/weight')![1];
    const p = q.qparams();
    expect(p.axis).toBe(3); // HWIO: one scale per output channel
    expect(p.scale.length).toBe(32);
    for (const s of p.scale) expect(Math.log2(s)).toBe(Math.round(Math.log2(s)));
    const xs = [...batches(mnist, { batchSize: 64 })].slice(0, 2).map((b) => tf.tensor(b.x, b.shape));
    await calibrate(model, xs);
    model.eval();
    const ir = convert(model, { inputShape: [28, 28, 1] });
    const w = ir.constants.find((c) => c.name === 'conv2.weight')!;
    expect(w.dtype).toBe('int4');
    expect(Array.from(w.quant!.scale)).toEqual(Array.from(p.scale));
    const session = await loadSession(ir);
    const x = mnist.x.subarray(0, 64 * 784);
    const int = session.run({ input: x }).output!;
    const fake = tf.tidy(() => model.forward(tf.tensor(x, [64, 28, 28, 1])).dataSync());
    let same = 0;
    for (let i = 0; i < 64; i++) {
      const arg = (v: ArrayLike<number>) => Array.from({ length: 10 }, (_, c) => v[i * 10 + c]!).reduce((b, v2, c, a) => (v2 > a[b]! ? c : b), 0);
      if (arg(int) === arg(fake)) same++;
    }
    expect(same).toBe(64);
    session.dispose();
    tf.dispose(xs);
    model.dispose();
  });

  it('refuses what it cannot do, naming the point', () => {
    const model = lenet({ seed: 2 });
    expect(() => prepare(model, { rules: [{ match: '*', output: { quantizer: 'pow2', bits: 8 } }] }, { onWarning: () => {} })).toThrow(/pow2.*weights only/);
    model.dispose();
  });
});
