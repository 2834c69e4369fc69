import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '@qatjs/ir';
import {
  CheckpointError,
  NonFiniteError,
  QatjsError,
  Sequential,
  decodeCheckpoint,
  encodeCheckpoint,
  fileCheckpointStore,
  fit,
  learningRateAt,
  listCheckpoints,
  memoryCheckpointStore,
  prepare,
  registerQuantizer,
  unregisterQuantizer,
  type FitOptions,
  type FitProgress,
  type Module,
} from '@qatjs/core';
import { loadDigits, type LabeledSet } from '@qatjs/datasets';
import { useBackend } from '@qatjs/test-utils';
import { digitsFitOptions, digitsMlp, TEST_W8A8 } from './helpers/digits-fit.ts';
import { TestDense, testObservedQuantizer } from './helpers/test-layers.ts';

let digits: LabeledSet;
const mlp = digitsMlp;
const W8A8 = TEST_W8A8;
const base = (over: Partial<FitOptions> = {}): FitOptions => digitsFitOptions(() => digits, 2, over);
const weights = (m: Module) => m.namedParameters().map(([p, v]) => [p, Array.from(v.dataSync())] as const);

describe('fit', () => {
  beforeAll(async () => {
    await useBackend('wasm');
    registerQuantizer(testObservedQuantizer);
    digits = await loadDigits();
  });
  afterAll(() => unregisterQuantizer('test-observed'));

  it('trains on digits, reports progress and evaluations, and keeps the tensor count flat', async () => {
    const m = mlp();
    const seen: FitProgress[] = [];
    const counts: number[] = [];
    const r = await fit(m, {
      ...base(),
      evaluate: { every: 10, run: (model, step) => ({ step, training: model.training ? 1 : 0 }) },
      onProgress: (p) => {
        seen.push(p);
        counts.push(tf.memory().numTensors);
      },
    });
    expect(r.steps).toBe(2 * 28); // 1797 digits / 64, last partial batch dropped
    expect(seen.map((p) => p.step)).toEqual(Array.from({ length: 56 }, (_, i) => i + 1));
    expect(seen[30]).toMatchObject({ epoch: 1, epochs: 2, stepsPerEpoch: 28, totalSteps: 56 });
    expect(r.evaluations.map((e) => e.step)).toEqual([10, 20, 30, 40, 50, 56]);
    expect(r.evaluations[0].metrics).toEqual({ step: 10, training: 1 }); // evaluate sees the model as fit left it
    const early = r.losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const late = r.losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(late).toBeLessThan(early / 3);
    expect(new Set(counts.slice(2)).size).toBe(1);
    m.dispose();
  });

  for (const optimizer of [{ kind: 'adam' as const }, { kind: 'sgd' as const, momentum: 0.9 }]) {
    it(`resumes a QAT run from a checkpoint bit-identically (${optimizer.kind})`, async () => {
      const opts = base({ optimizer, learningRate: { kind: 'cosine', initial: 1e-2, warmupSteps: 5 }, epochs: 2 });
      const full = mlp();
      prepare(full, W8A8, { onWarning: () => {} });
      await fit(full, opts);

      const store = memoryCheckpointStore();
      const first = mlp();
      prepare(first, W8A8, { onWarning: () => {} });
      const part = await fit(first, { ...opts, maxSteps: 37, checkpoint: { store, every: 10 } }); // stops mid-epoch 1
      expect(part.steps).toBe(37);
      first.dispose();

      const second = mlp();
      prepare(second, W8A8, { onWarning: () => {} });
      const rest = await fit(second, { ...opts, checkpoint: { store, every: 10, resume: true } });
      expect(rest.resumedFrom).toBe(37);
      expect(rest.steps).toBe(56);
      expect(rest.losses).toHaveLength(56 - 37);
      expect(weights(second)).toEqual(weights(full));
      expect(second.namedQuantizers().map(([, q]) => q.state())).toEqual(full.namedQuantizers().map(([, q]) => q.state()));
      full.dispose();
      second.dispose();
    });
  }

  it('stops on a non-finite loss before touching the weights; the last checkpoint stays intact', async () => {
    const store = memoryCheckpointStore();
    const m = mlp();
    let calls = 0;
    const loss = (logits: tf.Tensor, targets: tf.Tensor) =>
      tf.tidy(() => {
        const l = tf.losses.softmaxCrossEntropy(tf.oneHot(targets as tf.Tensor1D, 10), logits) as tf.Scalar;
        return ++calls === 8 ? (tf.mul(l, NaN) as tf.Scalar) : l;
      });
    let atFailure: ReturnType<typeof weights> = [];
    const run = fit(m, { ...base(), loss, checkpoint: { store, every: 5 }, onProgress: (p) => p.step === 7 && (atFailure = weights(m)) });
    await expect(run).rejects.toThrow(NonFiniteError);
    await expect(fit(mlp(), { ...base(), loss: (logits) => tf.mul(tf.sum(logits), NaN) as tf.Scalar })).rejects.toThrow(/the loss \(NaN\) is not finite at step 0 \(epoch 0\); the weights were not updated/);
    expect(weights(m)).toEqual(atFailure);
    await expect(run).rejects.toThrow(/resume from 'checkpoint.good.ckpt' \(step 5\)/);
    const newest = (await listCheckpoints(store)).at(-1);
    expect(newest?.name).toBe('checkpoint.step-000000005.ckpt');
    const saved = decodeCheckpoint((await store.read(newest?.name ?? '')) as Uint8Array);
    expect(saved.progress.step).toBe(5);
    m.dispose();
  });

  it('rejects a checkpoint of another model without touching the model', async () => {
    const store = memoryCheckpointStore();
    const a = mlp();
    await fit(a, { ...base(), maxSteps: 3, checkpoint: { store, every: 3 } });
    const other = new Sequential([new TestDense(16, 64, true, 1), new TestDense(10, 16, false, 2)]);
    const before = weights(other);
    await expect(fit(other, { ...base(), checkpoint: { store, every: 3, resume: true } })).rejects.toThrow(
      /parameter '0.weight' has shape \[64,16\] but the checkpoint holds \[64,32\]/,
    );
    expect(weights(other)).toEqual(before);
    const prepared = mlp();
    prepare(prepared, W8A8, { onWarning: () => {} });
    await expect(fit(prepared, { ...base(), checkpoint: { store, every: 3, resume: true } })).rejects.toThrow(/checkpoint has no state for quantizer '0\/input'/);
    tf.dispose([a, other, prepared].flatMap((m) => m.namedParameters().map(([, v]) => v)));
  });

  it('validates its options', async () => {
    const m = mlp();
    const cases: Array<[Partial<FitOptions>, RegExp]> = [
      [{ epochs: 0 }, /epochs must be an integer >= 1, got 0/],
      [{ batches: 'x' as never }, /batches must be a function/],
      [{ optimizer: { kind: 'rmsprop' } as never }, /optimizer.kind must be 'sgd' or 'adam', got "rmsprop"/],
      [{ optimizer: { kind: 'sgd', momentum: 1 } }, /optimizer.momentum must be a number in \[0, 1\), got 1/],
      [{ learningRate: -1 }, /learningRate must be a positive number, got -1/],
      [{ learningRate: { kind: 'cosine' } as never }, /learningRate.initial must be a positive number/],
      [{ batches: () => [] }, /batches\(0\) gave no batches/],
      [{ batches: () => [{ x: new Float32Array(4), y: new Int32Array(1) }] }, /x must be a tf.Tensor, or a Float32Array with a shape/],
      [{ checkpoint: { store: {} as never, every: 1 } }, /checkpoint.store must be a CheckpointStore/],
    ];
    for (const [over, message] of cases) {
      await expect(fit(m, { ...base(), ...over })).rejects.toThrow(message);
      await expect(fit(m, { ...base(), ...over })).rejects.toThrow(QatjsError);
    }
    m.dispose();
  });
});

describe('learning-rate schedules', () => {
  it('computes constant, step and cosine-with-warm-up rates', () => {
    expect(learningRateAt(0.1, 50, 100)).toBe(0.1);
    expect(learningRateAt({ kind: 'step', initial: 1, gamma: 0.5, every: 10 }, 25, 100)).toBe(0.25);
    const cos = { kind: 'cosine' as const, initial: 1, final: 0.1, warmupSteps: 10 };
    expect(learningRateAt(cos, 0, 110)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(cos, 9, 110)).toBe(1);
    expect(learningRateAt(cos, 10, 110)).toBe(1);
    expect(learningRateAt(cos, 60, 110)).toBeCloseTo(0.55, 12);
    expect(learningRateAt(cos, 110, 110)).toBeCloseTo(0.1, 12);
  });
});

describe('checkpoint files', () => {
  const sample = () =>
    encodeCheckpoint({
      progress: { step: 3, epoch: 0, evaluations: [{ step: 2, metrics: { acc: 0.5 } }] },
      params: new Map([['w', { shape: [2, 2], dtype: 'float32' as const, values: Float32Array.of(1, -2, 0.1, 4) }]]),
      quantizers: new Map([['fc/weight', { quantizer: 'uniform', frozen: false, data: { n: 1 } }]]),
      optimizer: { weights: [{ name: 'iter', shape: [], dtype: 'int32' as const, values: Int32Array.of(3) }], accBeta: [0.729, 0.997] },
    });

  it('round-trips exactly', () => {
    const c = decodeCheckpoint(sample());
    expect(c.progress).toEqual({ step: 3, epoch: 0, evaluations: [{ step: 2, metrics: { acc: 0.5 } }] });
    expect(Array.from(c.params.get('w')?.values ?? [])).toEqual(Array.from(Float32Array.of(1, -2, 0.1, 4)));
    expect(c.quantizers.get('fc/weight')).toEqual({ quantizer: 'uniform', frozen: false, data: { n: 1 } });
    expect(c.optimizer.accBeta).toEqual([0.729, 0.997]);
  });

  it('rejects corrupt, truncated and hostile files with a CheckpointError naming the problem', () => {
    const good = sample();
    const headerLen = new DataView(good.buffer).getUint32(12, true);
    const mutate = (f: (b: Uint8Array) => void) => {
      const b = Uint8Array.from(good);
      f(b);
      return b;
    };
    /** Recomputes the CRC-32 after a mutation (layout: checkpoint-format.ts), to reach the checks behind it. */
    const reseal = (b: Uint8Array) => {
      new DataView(b.buffer).setUint32(16, crc32(b.subarray(20), crc32(b.subarray(0, 16))), true);
      return b;
    };
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(3), /bad magic/],
      [mutate((b) => (b[0] = 0x51 + 1)), /bad magic/],
      [mutate((b) => new DataView(b.buffer).setUint32(8, 9, true)), /format version 9 is not supported/],
      [mutate((b) => new DataView(b.buffer).setUint32(8, 1, true)), /format version 1 is from an older qatjs \(no checksum\) and is no longer read/],
      [mutate((b) => new DataView(b.buffer).setUint32(12, 1e9, true)), /header length 1000000000 runs past the end/],
      [mutate((b) => (b[20] = 0x7b + 1)), /checksum mismatch \(stored CRC-32 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\): the file is corrupt or truncated/],
      [mutate((b) => (b[b.length - 3] ^= 1)), /checksum mismatch/], // one flipped bit in a weight
      [mutate((b) => (b[17] ^= 0x80)), /checksum mismatch/], // in the stored CRC itself
      [good.slice(0, good.length - 4), /checksum mismatch/],
      [reseal(mutate((b) => (b[20] = 0x7b + 1))), /header is not valid JSON/],
      [reseal(good.slice(0, good.length - 4)), /runs past the end of the file/],
      [reseal(mutate((b) => b.set(new Uint8Array([0, 0, 0xc0, 0x7f]), good.length - 4 - 16 + 0))), /non-finite value/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => decodeCheckpoint(bytes)).toThrow(CheckpointError);
      expect(() => decodeCheckpoint(bytes)).toThrow(message);
    }
    expect(headerLen).toBeGreaterThan(0);
  });

  it('stores files atomically on disk and lists, reads and removes them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qatjs-ckpt-'));
    try {
      const store = fileCheckpointStore(join(dir, 'nested'));
      expect(await store.list()).toEqual([]);
      expect(await store.read('latest.ckpt')).toBeUndefined();
      await store.write('latest.ckpt', sample());
      await store.write('latest.ckpt', sample());
      expect(await store.list()).toEqual(['latest.ckpt']);
      expect(await readdir(join(dir, 'nested'))).toEqual(['latest.ckpt']); // no temporary files left
      expect(decodeCheckpoint((await store.read('latest.ckpt')) as Uint8Array).progress.step).toBe(3);
      await expect(store.write('../escape', sample())).rejects.toThrow(/checkpoint name "..\/escape"/);
      await store.remove('latest.ckpt');
      expect(await store.list()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
