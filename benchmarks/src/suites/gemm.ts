// int8 GEMM throughput (GOP/s = 2MNK / s, medians) of @qatjs/backend-wasm against tfjs-backend-wasm
// f32 matMul (XNNPACK) and onnxruntime-web QLinearMatMul (uint8 x int8 and int8 x int8), all
// single-threaded in one process. Weights are prepacked by every engine (our op at creation, ORT
// at session creation); each timed call takes int8 activations in and gives requantized int8 out.
// Beside them, in the same rounds, the engine's plain-SIMD peaks (assembly/gemm/peak-dot16-4x8.ts):
// wasm-simd-peak, the GEMM's own 4x8 microkernel on an A block and a W panel that stay in L1 (the
// practical peak: every load, dot and add of the GEMM, none of its packing, edges or cache misses),
// and wasm-simd-peak-registers, the same dots and adds on registers only. The qatjs-int8 row's
// ofPeak is its fraction of wasm-simd-peak, measured under the same load.
// qatjs-w7a8-relaxed is another GEMM: 7-bit weights in [-64, 63] (as onnxruntime's reduce_range
// quantizes weights), which take the one-dot rdot path; its rows say so (weights: 'int7').
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web';
import { createKernels, type WasmKernels, type WasmTensor } from '@qatjs/backend-wasm';
import { medianMs } from '../measure.ts';
import { qlinearMatMulModel } from '../onnx/qlinear-matmul-model.ts';
import type { Row } from '../results.ts';
import type { Suite } from '../suite.ts';

const SHAPES: Array<[number, number, number]> = [
  [128, 128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
  [128, 768, 3072],
];
const SMOKE_SHAPES: Array<[number, number, number]> = [[13, 24, 40]];

const ENGINES = ['qatjs-int8', 'qatjs-int8-relaxed', 'qatjs-w7a8-relaxed', 'tfjs-wasm-f32', 'ort-web-u8s8', 'ort-web-s8s8', 'wasm-simd-peak', 'wasm-simd-peak-registers'] as const;
// Peak loops: K pairs of the L1 block (2 KiB of A, 4 KiB of W), calls a timed run, register steps.
const PEAK_KSTEPS = 128;
const PEAK_REPS = 1000;
const PEAK_STEPS = 100_000;
const ROUNDS = 5;
const ROUND_MS = 600;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function int8Data(n: number, seed: number): Int8Array {
  let s = seed >>> 0 || 1;
  return Int8Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) % 256) - 128;
  });
}

type GemmOp = ReturnType<WasmKernels['createGemm']>;
type Tensor8 = WasmTensor<'int8'>;

/** The same GEMM with 7-bit weights: b halved into [-64, 63], the output scale halved to keep the codes' spread. */
function sevenBit(m: number, n: number, k: number, b: Int8Array, q: { aScale: number; bScale: number; yScale: number }) {
  if (b.length !== k * n || m < 1) throw new Error(`sevenBit: ${b.length} weights for k ${k} x n ${n}`);
  const weights = b.map((v) => v >> 1);
  return { spec: { k, n, weights, input: { scale: q.aScale, zeroPoint: 0 }, weight: { scale: q.bScale }, output: { scale: q.yScale / 2, zeroPoint: 0 } } };
}

/** The 7-bit GEMM on the relaxed kernels must take rdot and equal the plain kernels' dot16 bit for bit. */
function checkSevenBit(what: string, plain: GemmOp, relaxed: GemmOp, x: Tensor8, y: Tensor8, xR: Tensor8, yR: Tensor8): void {
  if (relaxed.path !== 'rdot') throw new Error(`${what}: 7-bit weights took ${relaxed.path}, not rdot`);
  plain.run(x, y);
  relaxed.run(xR, yR);
  const want = y.read();
  if (yR.read().some((v, i) => v !== want[i])) throw new Error(`${what}: 7-bit weights: rdot differs from dot16`);
}

export const suite: Suite = {
  name: 'gemm',
  description: 'int8 GEMM GOP/s: qatjs WASM SIMD128 vs tfjs-wasm f32 and onnxruntime-web QLinearMatMul (u8s8, s8s8), one thread',
  async run({ smoke }) {
    tf.enableProdMode(); // silences tfjs hints; IS_TEST would turn on leak checks that flag tfjs's own softmaxCrossEntropy on wasm
    await tf.setBackend('wasm');
    await tf.ready();
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    // qatjs-int8: plain SIMD128; qatjs-int8-relaxed: the relaxed-SIMD kernels, where the runtime
    // passes their known-answer check (Deno, Bun; not Node 20), checked bit-identical to the plain ones.
    const kernels = await createKernels({ relaxedSimd: false });
    const relaxedKernels = await createKernels({ relaxedSimd: true });
    const relaxed = relaxedKernels.features.relaxedSimd.used;
    const rows: Row[] = [];
    // The peaks' operands: one packed A block, one W panel, int32 C (values do not matter for speed).
    const peakA = kernels.tensor('int8', [PEAK_KSTEPS * 16], int8Data(PEAK_KSTEPS * 16, 11));
    const peakW = kernels.tensor('int8', [64 + PEAK_KSTEPS * 32], int8Data(64 + PEAK_KSTEPS * 32, 13));
    const peakC = kernels.tensor('int8', [128]);
    const peakOps = { l1: (smoke ? 1 : PEAK_REPS) * PEAK_KSTEPS * 128, registers: (smoke ? 100 : PEAK_STEPS) * 128 };
    const peakTasks = [
      { name: 'wasm-simd-peak', fn: () => kernels.raw.peak_dot16_4x8_l1(smoke ? 1 : PEAK_REPS, PEAK_KSTEPS, peakA.byteOffset, peakW.byteOffset, peakC.byteOffset) },
      { name: 'wasm-simd-peak-registers', fn: () => kernels.raw.peak_dot16_4x8_registers(smoke ? 100 : PEAK_STEPS, peakW.byteOffset, peakC.byteOffset) },
    ];
    for (const [m, n, k] of smoke ? SMOKE_SHAPES : SHAPES) {
      const a = int8Data(m * k, m + 3 * k);
      // narrow-range int8 weights ([-127, 127]), as the presets quantize them
      const b = int8Data(k * n, n + 7 * k).map((v) => Math.max(v, -127));
      // Output scale so the codes spread over int8 (|acc| ~ 74^2 sqrt(k) for uniform int8 data).
      const q = { aScale: 0.02, bScale: 0.01, yScale: (0.02 * 0.01 * 74 * 74 * Math.sqrt(k)) / 40 };

      const spec = { k, n, weights: b, input: { scale: q.aScale, zeroPoint: 0 }, weight: { scale: q.bScale }, output: { scale: q.yScale, zeroPoint: 0 } };
      const op = kernels.createGemm(spec);
      const x = kernels.tensor('int8', [m, k], a);
      const y = kernels.tensor('int8', [m, n]);
      const opR = relaxedKernels.createGemm(spec);
      const [xR, yR] = [relaxedKernels.tensor('int8', [m, k], a), relaxedKernels.tensor('int8', [m, n])];
      const w7 = sevenBit(m, n, k, b, q);
      const op7 = kernels.createGemm(w7.spec);
      const op7R = relaxedKernels.createGemm(w7.spec);

      const ta = tf.tensor2d(Float32Array.from(a, (v) => v * q.aScale), [m, k]);
      const tb = tf.tensor2d(Float32Array.from(b, (v) => v * q.bScale), [k, n]);

      const sessions = {
        u8: await ort.InferenceSession.create(qlinearMatMulModel({ m, k, n, activation: 'uint8', b, ...q, aZeroPoint: 128, yZeroPoint: 128 })),
        s8: await ort.InferenceSession.create(qlinearMatMulModel({ m, k, n, activation: 'int8', b, ...q, aZeroPoint: 0, yZeroPoint: 0 })),
      };
      const feeds = {
        u8: { a: new ort.Tensor('uint8', Uint8Array.from(a, (v) => v + 128), [m, k]) },
        s8: { a: new ort.Tensor('int8', a, [m, k]) },
      };
      const runOrt = async (which: 'u8' | 's8') => {
        const out = await sessions[which].run(feeds[which]);
        return out.y;
      };

      // The three int8 engines compute the same requantized GEMM: check they agree (within one
      // code: each rounds its own fp32 product) before timing anything.
      op.run(x, y);
      const ours = y.read();
      opR.run(xR, yR);
      if (yR.read().some((v, i) => v !== ours[i])) throw new Error(`gemm ${m}x${n}x${k}: the ${opR.path} path differs from dot16`);
      if (relaxed) checkSevenBit(`gemm ${m}x${n}x${k}`, op7, op7R, x, y, xR, yR);
      const [yu8, ys8] = [await runOrt('u8'), await runOrt('s8')];
      const u8 = yu8.data as Uint8Array;
      const s8 = ys8.data as Int8Array;
      for (let i = 0; i < ours.length; i++) {
        if (Math.abs(ours[i] - s8[i]) > 1 || Math.abs(ours[i] - (u8[i] - 128)) > 1) {
          throw new Error(`gemm ${m}x${n}x${k}: engines disagree at ${i}: qatjs ${ours[i]}, ort s8s8 ${s8[i]}, ort u8s8 ${u8[i] - 128}`);
        }
      }
      yu8.dispose();
      ys8.dispose();

      const tasks = [
        { name: 'qatjs-int8', fn: () => op.run(x, y) },
        ...(relaxed ? [{ name: 'qatjs-int8-relaxed', fn: () => opR.run(xR, yR) }, { name: 'qatjs-w7a8-relaxed', fn: () => op7R.run(xR, yR) }] : []),
        { name: 'tfjs-wasm-f32', fn: () => tf.matMul(ta, tb).dispose() },
        { name: 'ort-web-u8s8', fn: async () => (await runOrt('u8')).dispose() },
        { name: 'ort-web-s8s8', fn: async () => (await runOrt('s8')).dispose() },
        ...peakTasks,
      ];
      // Rounds of the engines back to back, then the median over rounds of each engine's median:
      // a burst of load from other processes then skews one round, not one engine. ort-web-s8s8 is
      // 20-50x slower than the rest (its minimum iterations alone take ~35 s at 1024^3), so it runs
      // in the first round only.
      const rounds: Array<Map<string, number>> = [];
      for (let r = 0; r < (smoke ? 1 : ROUNDS); r++) {
        rounds.push(await medianMs(r === 0 ? tasks : tasks.filter((t) => t.name !== 'ort-web-s8s8'), { smoke, timeMs: ROUND_MS }));
      }
      const gops = new Map<string, number>();
      const engines = ENGINES.filter((e) => tasks.some((t) => t.name === e));
      for (const engine of engines) {
        const ms = median(rounds.filter((t) => t.has(engine)).map((t) => t.get(engine) as number));
        const ops = engine === 'wasm-simd-peak' ? peakOps.l1 : engine === 'wasm-simd-peak-registers' ? peakOps.registers : 2 * m * n * k;
        gops.set(engine, ops / (ms * 1e6));
      }
      for (const engine of engines) {
        const g = gops.get(engine) as number;
        rows.push({
          m, n, k, engine, gops: g,
          ...(engine === 'qatjs-int8' ? { ofPeak: g / (gops.get('wasm-simd-peak') as number) } : {}),
          ...(engine === 'qatjs-w7a8-relaxed' ? { weights: 'int7' } : {}),
        });
      }

      for (const t of [op, x, y, opR, xR, yR, op7, op7R]) t.dispose();
      tf.dispose([ta, tb]);
      await sessions.u8.release();
      await sessions.s8.release();
    }
    for (const t of [peakA, peakW, peakC]) t.dispose();
    kernels.dispose();
    relaxedKernels.dispose();
    return rows;
  },
};
