// How threads share a split call: it is cut into chunks, large first and smaller towards the end
// (chunks.ts), that each thread claims as it comes free (pool.ts), the main thread included; so the
// outputs stay one thread's bit for bit however the chunks fall. A worker polls for the next job for
// a bounded time and then sleeps: an idle session does not keep a core busy.
import { describe, expect, it } from 'vitest';
import { encodeModel, makeQuant, ModelBuilder, type IntModel } from '@qatjs/ir';
import { loadSession, type IntSession } from '@qatjs/backend-wasm';
import { chunkBoundaries } from '../src/threads/chunks.ts';
import { claim } from '../src/threads/pool.ts';
import { Job, MAX_CHUNKS } from '../src/threads/protocol.ts';
import { Rand } from './reference/random.ts';

describe('chunkBoundaries', () => {
  it('covers [0, total) in decreasing chunks, inner boundaries on whole units, at most MAX_CHUNKS', () => {
    for (const threads of [2, 3, 4, 8, 64]) {
      for (const unit of [1, 4, 8, 196, 576]) {
        for (const total of [unit * 2, unit * 2 + 3, 37 * unit, 64 * unit, 9216 * unit, 36864 + unit - 1]) {
          const b = chunkBoundaries(total, unit, threads);
          expect(b[0]).toBe(0);
          expect(b[b.length - 1]).toBe(total);
          expect(b.length - 1).toBeLessThanOrEqual(MAX_CHUNKS);
          expect(b.length - 1).toBeGreaterThanOrEqual(2);
          const sizes = b.slice(1).map((v, i) => v - b[i]);
          for (let i = 1; i + 1 < b.length; i++) expect(b[i] % unit).toBe(0);
          for (const s of sizes) expect(s).toBeGreaterThan(0);
          // Non-increasing, but for the last chunk, which takes the remainder of a partial unit.
          for (let i = 1; i + 1 < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
          // The first chunk leaves the other threads their share: at most 1 / (2 * threads), rounded up to units.
          const units = Math.floor(total / unit);
          expect(sizes[0]).toBeLessThanOrEqual(Math.max(Math.ceil(units / (2 * threads)), Math.ceil(units / (16 * threads)), Math.ceil(units / MAX_CHUNKS)) * unit + (b.length === 2 ? total % unit : 0));
        }
      }
    }
  });

  it('does not cut a call of fewer than two units, nor for one thread', () => {
    expect(chunkBoundaries(7, 4, 2)).toEqual([0, 7]);
    expect(chunkBoundaries(1000, 4, 1)).toEqual([0, 1000]);
    expect(chunkBoundaries(8, 4, 2)).toEqual([0, 4, 8]);
  });
});

describe('claim', () => {
  it('hands out each chunk of the job published once, then -1', () => {
    const job = new Int32Array(new SharedArrayBuffer(64));
    expect(claim(job)).toBe(-1);
    job[Job.Claim] = 3 * 65536;
    expect([claim(job), claim(job), claim(job), claim(job), claim(job)]).toEqual([0, 1, 2, -1, -1]);
    job[Job.Claim] = 1 * 65536;
    expect([claim(job), claim(job)]).toEqual([0, -1]);
  });
});

/**
 * x [-1, 28, 28, 8] -> two convs 3x3 (16), added -> max pool 2x2 -> conv 3x3 (16) -> dense 10: at
 * batch 16 every call is worth splitting (quantize, 3 fused convs, add, max pool, the dense GEMM).
 */
function convModel(): IntModel {
  const r = new Rand(5);
  const codes = (n: number) => Int8Array.from({ length: n }, () => r.int(-127, 127));
  const act = (scale: number) => ({ dtype: 'int8' as const, quant: makeQuant({ scale, zeroPoint: -3 }) });
  const b = new ModelBuilder();
  const x = b.quantize(b.input('x', 'float32', [-1, 28, 28, 8]), act(0.02));
  const w1 = b.constant({ name: 'w1', dtype: 'int8', shape: [3, 3, 8, 16], quant: makeQuant({ scale: 0.004 }), data: codes(3 * 3 * 8 * 16) });
  const c1 = b.conv2d(x, w1, { pads: [1, 1, 1, 1] }, act(0.03));
  const w1b = b.constant({ name: 'w1b', dtype: 'int8', shape: [3, 3, 8, 16], quant: makeQuant({ scale: 0.005 }), data: codes(3 * 3 * 8 * 16) });
  const c1b = b.conv2d(x, w1b, { pads: [1, 1, 1, 1] }, act(0.04));
  const p = b.maxPool(b.add(c1, c1b, {}, act(0.05)), { kernel: [2, 2], strides: [2, 2] });
  const w2 = b.constant({ name: 'w2', dtype: 'int8', shape: [3, 3, 16, 16], quant: makeQuant({ scale: 0.003 }), data: codes(3 * 3 * 16 * 16) });
  const c2 = b.conv2d(p, w2, {}, act(0.03));
  const w3 = b.constant({ name: 'w3', dtype: 'int8', shape: [12 * 12 * 16, 10], quant: makeQuant({ scale: 0.002 }), data: codes(12 * 12 * 16 * 10) });
  b.output(b.dequantize(b.gemm(b.flatten(c2), w3, {}, act(0.1)), { name: 'y' }));
  return b.build();
}

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `f` until it is true or `ms` have passed. */
async function eventually(f: () => boolean, ms: number): Promise<boolean> {
  for (const end = performance.now() + ms; !f() && performance.now() < end; ) await sleepMs(5);
  return f();
}

function stats(s: IntSession) {
  const st = s.threadStats;
  if (st === null) throw new Error('a two-thread session has thread stats');
  return st;
}

describe('threads claim chunks', () => {
  it('split calls become several chunks, the worker runs some of them, and the outputs are one thread\'s', async () => {
    const bytes = encodeModel(convModel());
    const one = await loadSession(bytes, { relaxedSimd: false });
    const two = await loadSession(bytes, { relaxedSimd: false, threads: 2 });
    expect(one.threadStats).toBeNull();
    const r = new Rand(9);
    const x = Float32Array.from({ length: 16 * 28 * 28 * 8 }, () => r.next() * 2 - 1);
    const want = Array.from(one.run({ x }).y);
    // The worker wins chunks unless it never gets a core: keep running (a few seconds at most) until it has.
    let runs = 0;
    const workerRan = await eventually(() => {
      runs++;
      expect(Array.from(two.run({ x }).y)).toEqual(want);
      return stats(two).chunks > stats(two).mainChunks;
    }, 5000);
    expect(workerRan).toBe(true);
    const st = stats(two);
    expect(two.splitKernels).toEqual({ quantize_f32_s8_fp32: runs, conv2d_s8s8_nhwc_dot16: 3 * runs, add_s8s8_fp32: runs, maxpool2d_s8_nhwc: runs, gemm_s8s8_dot16: runs });
    // Each split call is a job handed over, or run alone after a stalled one (a busy machine).
    expect(st.handoffs + st.soloJobs).toBe(7 * runs);
    expect(st.chunks).toBeGreaterThan(2 * st.handoffs);
    one.dispose();
    two.dispose();
  });

  it('after a stalled job the next jobs run on the main thread alone, with the same outputs, then the workers again', async () => {
    const bytes = encodeModel(convModel());
    const one = await loadSession(bytes, { relaxedSimd: false });
    const two = await loadSession(bytes, { relaxedSimd: false, threads: 2 });
    const r = new Rand(3);
    const x = Float32Array.from({ length: 16 * 28 * 28 * 8 }, () => r.next() * 2 - 1);
    const want = Array.from(one.run({ x }).y);
    const before = stats(two);
    two.runThreadsAlone(10);
    expect(Array.from(two.run({ x }).y)).toEqual(want);
    const alone = stats(two);
    // 7 split calls a run: all alone; the worker ran nothing.
    expect(alone.soloJobs - before.soloJobs).toBe(7);
    expect(alone.handoffs).toBe(before.handoffs);
    expect(Array.from(two.run({ x }).y)).toEqual(want);
    const after = stats(two);
    // The 3 alone jobs left, then hand-offs again (unless one stalls under load, which starts a backoff).
    expect(after.soloJobs - alone.soloJobs).toBeGreaterThanOrEqual(3);
    expect(after.handoffs + after.soloJobs - alone.handoffs - alone.soloJobs).toBe(7);
    if (after.stalls === before.stalls) expect(after.handoffs - alone.handoffs).toBe(4);
    one.dispose();
    two.dispose();
  });

  it('an idle worker stops polling and sleeps (its spin is bounded), and wakes for the next run', async () => {
    const bytes = encodeModel(convModel());
    const two = await loadSession(bytes, { relaxedSimd: false, threads: 2 });
    const x = new Float32Array(4 * 28 * 28 * 8).fill(0.25);
    const want = Array.from(two.run({ x }).y);
    // The run hands the worker jobs, so it polls afterwards: it must go to sleep again by itself.
    const slept = stats(two).workerSleeps;
    expect(Array.from(two.run({ x }).y)).toEqual(want);
    expect(await eventually(() => stats(two).workerSleeps > slept, 2000)).toBe(true);
    // Asleep, it stays asleep: no more wake-ups while nothing is handed to it. (It may have slept
    // within the run too, under load: let its last spin, 1 ms, end first.)
    await sleepMs(30);
    const asleep = stats(two).workerSleeps;
    await sleepMs(50);
    expect(stats(two).workerSleeps).toBe(asleep);
    expect(Array.from(two.run({ x }).y)).toEqual(want);
    two.dispose();
  });
});
