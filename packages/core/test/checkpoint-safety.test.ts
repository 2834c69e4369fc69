// Issue #15, items 1, 2, 4 and 11: a failed resume leaves the model as it was, a diverged step never
// destroys the good checkpoint, the store keeps the last K checkpoints, and error paths leak no tensor.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  NonFiniteError,
  decodeCheckpoint,
  encodeCheckpoint,
  fileCheckpointStore,
  fit,
  listCheckpoints,
  memoryCheckpointStore,
  prepare,
  registerQuantizer,
  restoreModel,
  unregisterQuantizer,
  type Checkpoint,
  type CheckpointStore,
  type FitOptions,
  type Module,
} from '@qatjs/core';
import { loadDigits, type LabeledSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';
import { digitsFitOptions, digitsMlp, TEST_W8A8 } from './helpers/digits-fit.ts';
import { testObservedQuantizer } from './helpers/test-layers.ts';

let digits: LabeledSet;
const mlp = digitsMlp;
const W8A8 = TEST_W8A8;
const base = (over: Partial<FitOptions> = {}): FitOptions => digitsFitOptions(() => digits, 1, over);

/** Every parameter's values and every quantizer's state: the whole observable model. */
const snapshot = (m: Module) => ({
  params: m.namedParameters().map(([p, v]) => [p, v.dtype, Array.from(v.dataSync())] as const),
  quantizers: m.namedQuantizers().map(([l, q]) => [l, JSON.stringify(q.state())] as const),
});

const newest = async (store: CheckpointStore) => decodeCheckpoint((await store.read((await listCheckpoints(store)).at(-1)?.name ?? '')) as Uint8Array);

beforeAll(async () => {
  await useBackend('wasm');
  registerQuantizer(testObservedQuantizer);
  digits = await loadDigits();
});
afterAll(() => unregisterQuantizer('test-observed'));

describe('resume validates the whole checkpoint before touching the model (#15 item 1)', () => {
  const prepared = (seed?: number) => {
    const m = mlp(seed);
    prepare(m, W8A8, { onWarning: () => {} });
    return m;
  };

  const broken: Array<[string, (c: Checkpoint) => Checkpoint, RegExp]> = [
    [
      "one parameter's dtype changed to int32",
      (c) => ({ ...c, params: new Map([...c.params].map(([p, t], i) => [p, i === 1 ? { shape: t.shape, dtype: 'int32' as const, values: Int32Array.from(t.values) } : t])) }),
      /parameter '0.bias' is float32 but the checkpoint holds int32/,
    ],
    ['optimizer.weights = []', (c) => ({ ...c, optimizer: { ...c.optimizer, weights: [] } }), /optimizer state holds 0 weights, but Adam over this model's 4 trainable variables keeps 9/],
    [
      "one optimizer weight's shape wrong",
      (c) => ({ ...c, optimizer: { ...c.optimizer, weights: c.optimizer.weights.map((w, i) => (i === 1 ? { ...w, shape: [w.values.length] } : w)) } }),
      /optimizer weight 1 \('.*'\) has shape \[2048\], but its variable has shape \[64,32\]/,
    ],
    [
      "a quantizer's state its plugin refuses",
      (c) => ({ ...c, quantizers: new Map([...c.quantizers].map(([l, s], i) => [l, i === 3 ? { ...s, data: { observer: { kind: 'nonsense' } } } : s])) }),
      /quantizer '.*' refused the checkpoint's state/,
    ],
  ];

  for (const [what, breakIt, message] of broken) {
    it(`${what}: a CheckpointError, the model and the tensor count exactly as before`, async () => {
      const store = memoryCheckpointStore();
      const a = prepared();
      await fit(a, { ...base(), maxSteps: 3, checkpoint: { store, every: 3 } });
      a.dispose();
      const good = await newest(store);
      const bad = breakIt(good);
      await store.write('checkpoint.step-000000003.ckpt', encodeCheckpoint(bad));

      const b = prepared(21);
      await fit(b, { ...base(), maxSteps: 1 }); // a trained model with observed quantizer state
      const before = snapshot(b);
      const count = tf.memory().numTensors;
      const resumed = fit(b, { ...base(), checkpoint: { store, every: 3, resume: true } });
      await expect(resumed).rejects.toThrow(CheckpointError);
      await expect(resumed).rejects.toThrow(message);
      expect(tf.memory().numTensors).toBe(count);
      expect(snapshot(b)).toEqual(before);
      if (!/optimizer/.test(what)) {
        expect(() => restoreModel(b, bad)).toThrow(CheckpointError);
        expect(() => restoreModel(b, bad)).toThrow(message);
        expect(tf.memory().numTensors).toBe(count);
        expect(snapshot(b)).toEqual(before);
      }
      b.dispose();
    });
  }
});

describe('fit frees every tensor on its error paths (#15 item 4)', () => {
  it('a loss function that throws (a prepared model)', async () => {
    const m = mlp();
    prepare(m, W8A8, { onWarning: () => {} });
    await fit(m, { ...base(), maxSteps: 1 });
    const count = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const loss = (logits: tf.Tensor) => {
        tf.relu(logits);
        throw new Error('loss failed');
      };
      await expect(fit(m, { ...base(), loss })).rejects.toThrow('loss failed');
      expect(tf.memory().numTensors).toBe(count);
    }
    m.dispose();
  });

  for (const optimizer of [{ kind: 'adam' as const }, { kind: 'sgd' as const, momentum: 0.9 }, { kind: 'sgd' as const }]) {
    it(`resuming and repeating fit() with ${optimizer.kind}${'momentum' in optimizer ? ' with momentum' : ''}`, async () => {
      const store = memoryCheckpointStore();
      const m = mlp();
      await fit(m, { ...base({ optimizer }), maxSteps: 2, checkpoint: { store, every: 2 } });
      const count = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) {
        await fit(m, { ...base({ optimizer }), maxSteps: 4, checkpoint: { store, every: 2, resume: 'checkpoint.step-000000002.ckpt' } });
        expect(tf.memory().numTensors).toBe(count);
      }
      await fit(m, { ...base({ optimizer }), maxSteps: 2 });
      expect(tf.memory().numTensors).toBe(count);
      m.dispose();
    });
  }
});

describe('checkpoints survive divergence and crashes (#15 items 2, 11)', () => {
  const sgd = (learningRate: number, over: Partial<FitOptions> = {}) => base({ optimizer: { kind: 'sgd' }, learningRate, ...over });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qatjs-diverge-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('a diverged step does not overwrite the good state; fit names the checkpoint to resume from, and resuming from it works', async () => {
    const store = fileCheckpointStore(join(dir, 'run'));
    const m = mlp();
    await fit(m, { ...sgd(0.05), maxSteps: 3, checkpoint: { store, every: 1 } });
    const step3 = await store.read('checkpoint.step-000000003.ckpt');

    const diverging = fit(m, { ...sgd(1e30), checkpoint: { store, every: 1, resume: true } });
    await expect(diverging).rejects.toThrow(NonFiniteError);
    await expect(diverging).rejects.toThrow(/at step [45].*resume from 'checkpoint.good.ckpt' \(step 3\)/);
    // the step-3 state is still there, byte for byte, as the confirmed checkpoint and as a step checkpoint
    expect(await store.read('checkpoint.good.ckpt')).toEqual(step3);
    expect(await store.read('checkpoint.step-000000003.ckpt')).toEqual(step3);
    for (const { name } of await listCheckpoints(store)) {
      for (const [, t] of decodeCheckpoint((await store.read(name)) as Uint8Array).params) expect(t.values.every(Number.isFinite)).toBe(true);
    }

    // resuming from the named checkpoint with a sane rate ends where an uninterrupted run ends
    const r = await fit(m, { ...sgd(0.05), maxSteps: 8, checkpoint: { store, every: 1, resume: 'checkpoint.good.ckpt' } });
    expect(r.resumedFrom).toBe(3);
    const straight = mlp();
    await fit(straight, { ...sgd(0.05), maxSteps: 8 });
    expect(snapshot(m)).toEqual(snapshot(straight));
    // the last 3 step checkpoints are kept, plus the confirmed one
    expect((await readdir(join(dir, 'run'))).sort()).toEqual(['checkpoint.good.ckpt', 'checkpoint.step-000000006.ckpt', 'checkpoint.step-000000007.ckpt', 'checkpoint.step-000000008.ckpt']);
    m.dispose();
    straight.dispose();
  });

  it('a step whose parameters are not finite is never written', async () => {
    const store = memoryCheckpointStore();
    const m = mlp();
    // finite loss and gradients, but the update overflows float32
    const run = fit(m, { ...sgd(3e38), maxSteps: 3, checkpoint: { store, every: 1 } });
    await expect(run).rejects.toThrow(NonFiniteError);
    await expect(run).rejects.toThrow(/not finite/);
    for (const { name } of await listCheckpoints(store)) {
      for (const [, t] of decodeCheckpoint((await store.read(name)) as Uint8Array).params) expect(t.values.every(Number.isFinite)).toBe(true);
    }
    m.dispose();
  });

  it('keeps the last `keep` checkpoints; removes temporary files of killed writes at start', async () => {
    const folder = join(dir, 'keep');
    const store = fileCheckpointStore(folder);
    const m = mlp();
    await fit(m, { ...sgd(0.05), maxSteps: 2, checkpoint: { store, every: 1, keep: 2 } });
    await writeFile(join(folder, 'checkpoint.step-000000003.ckpt.tmp-1-2'), new Uint8Array(10)); // a write killed mid-way
    const again = fileCheckpointStore(folder);
    expect(await again.list()).toEqual(['checkpoint.good.ckpt', 'checkpoint.step-000000001.ckpt', 'checkpoint.step-000000002.ckpt']);
    expect(await readdir(folder)).not.toContain('checkpoint.step-000000003.ckpt.tmp-1-2');
    await fit(m, { ...sgd(0.05), maxSteps: 5, checkpoint: { store: again, every: 1, keep: 2, resume: true } });
    expect((await listCheckpoints(again)).map((c) => c.step)).toEqual([4, 5]);
    m.dispose();
  });

  it('a fresh run replaces an earlier run of the same name, whose later step checkpoints would otherwise win', async () => {
    const store = memoryCheckpointStore();
    const m = mlp();
    await fit(m, { ...sgd(0.05), maxSteps: 6, checkpoint: { store, every: 1 } });
    const fresh = mlp(3);
    await expect(fit(fresh, { ...sgd(0.05), maxSteps: 2, checkpoint: { store, every: 1 }, onProgress: (p) => { if (p.step === 2) throw new Error('crash'); } })).rejects.toThrow('crash');
    // the crash came before step 2's checkpoint: its step-1 checkpoint is the newest (and the confirmed one)
    expect(await store.list()).toEqual(['checkpoint.good.ckpt', 'checkpoint.step-000000001.ckpt']);
    expect(await store.read('checkpoint.good.ckpt')).toEqual(await store.read('checkpoint.step-000000001.ckpt'));
    m.dispose();
    fresh.dispose();
  });

  it('refuses a corrupt newest checkpoint, naming the others', async () => {
    const store = memoryCheckpointStore();
    const m = mlp();
    await fit(m, { ...sgd(0.05), maxSteps: 3, checkpoint: { store, every: 1 } });
    const bytes = (await store.read('checkpoint.step-000000003.ckpt')) as Uint8Array;
    bytes[bytes.length - 1] ^= 1;
    await store.write('checkpoint.step-000000003.ckpt', bytes);
    const before = snapshot(m);
    await expect(fit(m, { ...sgd(0.05), checkpoint: { store, every: 1, resume: true } })).rejects.toThrow(
      /checksum mismatch .* \(in 'checkpoint.step-000000003.ckpt'; other checkpoints: checkpoint.step-000000001.ckpt, checkpoint.step-000000002.ckpt, checkpoint.good.ckpt/,
    );
    expect(snapshot(m)).toEqual(before);
    m.dispose();
  });
});
