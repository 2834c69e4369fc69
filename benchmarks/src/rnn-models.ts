// The 1-layer LSTM and GRU of the e2e-rnn suite, each twice from the same weights: as an IntModel
// (quantize x, one lstm or gru node, the last hidden state into a dense layer, dequantize) and as the
// float32 model on tfjs-core ops with the dequantized weights prepared once (FloatRnn with lstmCell or gruCell).
// Random weights: speed does not depend on training.
import * as tf from '@tensorflow/tfjs-core';
import { ModelBuilder, makeQuant, seededRandom, type IntModel } from '@qatjs/ir';

export interface LstmWeights {
  readonly inputSize: number;
  readonly hidden: number;
  readonly classes: number;
  /** int8 codes and per-column scales: W [I, G·H], U [H, G·H] (G = 4 for the LSTM, 3 for the GRU), dense [H, classes]; int32 biases. */
  readonly w: Int8Array; readonly sw: Float32Array;
  readonly u: Int8Array; readonly su: Float32Array;
  /** The bias of x·W, in units of s_x·s_W[n]. */
  readonly bias: Int32Array;
  readonly d: Int8Array; readonly sd: Float32Array;
  readonly dbias: Int32Array;
}

/** The GRU's weights: the LSTM's fields with G = 3, and the bias of h·U in units of s_h·s_U[n]. */
export interface GruWeights extends LstmWeights {
  readonly biasH: Int32Array;
}


const SX = Math.fround(1 / 255);
const SH = Math.fround(1 / 127);

function randomWeights(inputSize: number, hidden: number, classes: number, seed: number, gates: number): GruWeights {
  const r = seededRandom(seed); // the same weights on every run
  const codes = (n: number) => Int8Array.from({ length: n }, () => Math.round((2 * r() - 1) * 127));
  const scales = (n: number, depth: number) => Float32Array.from({ length: n }, () => (1.5 / (127 * Math.sqrt(depth))) * (0.75 + 0.5 * r()));
  const rows = gates * hidden;
  const sw = scales(rows, inputSize);
  const w = codes(inputSize * rows);
  const u = codes(hidden * rows);
  const su = scales(rows, hidden);
  const bias = Int32Array.from({ length: rows }, (_, n) => Math.round(((2 * r() - 1) * 0.5) / Math.fround(SX * sw[n])));
  const d = codes(hidden * classes);
  const sd = scales(classes, hidden);
  // drawn after the LSTM's fields, so lstmWeights keeps the weights it always had
  const biasH = gates === 3 ? Int32Array.from({ length: rows }, (_, n) => Math.round(((2 * r() - 1) * 0.5) / Math.fround(SH * su[n]))) : new Int32Array(rows);
  return { inputSize, hidden, classes, w, sw, u, su, bias, d, sd, dbias: new Int32Array(classes), biasH };
}

export function lstmWeights(inputSize: number, hidden: number, classes: number, seed: number): LstmWeights {
  const { biasH: _, ...k } = randomWeights(inputSize, hidden, classes, seed, 4);
  return k;
}

export function gruWeights(inputSize: number, hidden: number, classes: number, seed: number): GruWeights {
  return randomWeights(inputSize, hidden, classes, seed, 3);
}

/**
 * A builder holding input x (float32 [-1, -2, I], pixels in [0, 1]) quantized to int8, and the W, U
 * constants of a `gates`-gate cell; `bias` adds an int32 bias in units of fround(sIn · s[n]); `hidden`
 * is the int8 grid of h.
 */
function recurrentInputs(k: LstmWeights, gates: number) {
  const b = new ModelBuilder();
  const rows = gates * k.hidden;
  const x = b.quantize(b.input('x', 'float32', [-1, -2, k.inputSize]), { dtype: 'int8', quant: makeQuant({ scale: SX, zeroPoint: -128 }) });
  const w = b.constant({ name: 'W', dtype: 'int8', shape: [k.inputSize, rows], quant: makeQuant({ scale: k.sw, axis: 1 }), data: k.w });
  const u = b.constant({ name: 'U', dtype: 'int8', shape: [k.hidden, rows], quant: makeQuant({ scale: k.su, axis: 1 }), data: k.u });
  const bias = (name: string, data: Int32Array, sIn: number, s: Float32Array) =>
    b.constant({ name, dtype: 'int32', shape: [rows], quant: { scale: Float32Array.from(s, (v) => Math.fround(sIn * v)), zeroPoint: new Int32Array(rows), bits: 32, axis: 0 }, data });
  return { b, x, w, u, bias, hidden: { dtype: 'int8' as const, quant: makeQuant({ scale: SH }) } };
}

/** float32 [-1, -2, I] (pixels in [0, 1]) -> logits [-1, classes]. */
export function intLstm(k: LstmWeights): IntModel {
  const { b, x, w, u, bias, hidden } = recurrentInputs(k, 4);
  const { hT } = b.lstm(x, w, u, { bias: bias('b', k.bias, SX, k.sw), gates: makeQuant({ scale: 8 / 32768, bits: 16 }), maxSteps: 64 }, { hidden, cell: makeQuant({ scale: 2 ** -11, bits: 16 }) });
  return denseHead(b, hT, k);
}

/** The last hidden state [B, H] through the dense layer, dequantized: the output 'logits'. */
function denseHead(b: ModelBuilder, hT: string, k: LstmWeights): IntModel {
  const dq = makeQuant({ scale: k.sd, axis: 1 });
  const d = b.constant({ name: 'D', dtype: 'int8', shape: [k.hidden, k.classes], quant: dq, data: k.d });
  const logits = b.gemm(hT, d, {}, { dtype: 'int8', quant: makeQuant({ scale: 0.05 }) });
  b.output(b.dequantize(logits, { name: 'logits' }));
  return b.build();
}

/** float32 [-1, -2, I] (pixels in [0, 1]) -> logits [-1, classes], one gru node (16-bit gate grids). */
export function intGru(k: GruWeights): IntModel {
  const { b, x, w, u, bias, hidden } = recurrentInputs(k, 3);
  const [biasX, biasH] = [bias('bx', k.bias, SX, k.sw), bias('bh', k.biasH, SH, k.su)];
  const gates = makeQuant({ scale: 8 / 32768, bits: 16 });
  const { hT } = b.gru(x, w, u, { biasX, biasH, inputGates: gates, recurrentGates: gates, maxSteps: 64 }, { hidden });
  return denseHead(b, hT, k);
}

/** Dequantized per-gate tensors of a float model: W_g [I, H], U_g [H, H], the dense head [H, classes], and biases per gate. */
function floatWeights(k: LstmWeights, gates: number) {
  const H = k.hidden;
  const rows = gates * H;
  const ids = Array.from({ length: gates }, (_, g) => g);
  // gate `gate`'s columns of a [depth, G·H] code matrix, dequantized
  const gateOf = (codes: Int8Array, scales: Float32Array, depth: number, gate: number) =>
    tf.tensor2d(Float32Array.from({ length: depth * H }, (_, e) => codes[Math.floor(e / H) * rows + gate * H + (e % H)] * scales[gate * H + (e % H)]), [depth, H]);
  return {
    w: ids.map((g) => gateOf(k.w, k.sw, k.inputSize, g)),
    u: ids.map((g) => gateOf(k.u, k.su, H, g)),
    d: tf.tensor2d(Float32Array.from(k.d, (c, i) => c * k.sd[i % k.classes]), [H, k.classes]),
    /** An int32 bias in units of fround(sIn · s_W[n]), per gate. */
    bias: (b: Int32Array, sIn: number, ws: Float32Array) => ids.map((g) => tf.tensor1d(Float32Array.from({ length: H }, (_, j) => b[g * H + j] * Math.fround(sIn * ws[g * H + j])))),
  };
}

type FloatWeights = ReturnType<typeof floatWeights>;

/** Step t of x [batch, steps, I] as rows [batch, I]. */
function stepRows(x: Float32Array, batch: number, steps: number, inputSize: number, t: number): Float32Array {
  const xt = new Float32Array(batch * inputSize);
  for (let b = 0; b < batch; b++) xt.set(x.subarray((b * steps + t) * inputSize, (b * steps + t + 1) * inputSize), b * inputSize);
  return xt;
}

/**
 * A cell of FloatRnn: how many gates and state tensors it has, the biases it prepares once (from
 * floatWeights' `bias`), and one step: the state after x_t from the state before it, h first.
 */
export interface FloatCell<K extends LstmWeights> {
  readonly gates: number;
  readonly states: number;
  biases(k: K, bias: FloatWeights['bias']): tf.Tensor1D[][];
  step(xt: tf.Tensor2D, state: tf.Tensor2D[], w: tf.Tensor2D[], u: tf.Tensor2D[], biases: tf.Tensor1D[][]): tf.Tensor2D[];
}

/** The LSTM (gates i, f, g, o; state h, c): c = σ(f)·c + σ(i)·tanh(g), h = σ(o)·tanh(c), each gate x_t·W_k + h·U_k + b_k. */
export const lstmCell: FloatCell<LstmWeights> = {
  gates: 4,
  states: 2,
  biases: (k, bias) => [bias(k.bias, SX, k.sw)],
  step(xt, [h, c], w, u, [b]) {
    const gate = (g: number) => tf.add(tf.add(tf.matMul(xt, w[g]), tf.matMul(h, u[g])), b[g]);
    const cNext = tf.add(tf.mul(tf.sigmoid(gate(1)), c), tf.mul(tf.sigmoid(gate(0)), tf.tanh(gate(2)))) as tf.Tensor2D;
    return [tf.mul(tf.sigmoid(gate(3)), tf.tanh(cNext)) as tf.Tensor2D, cNext];
  },
};

/**
 * The GRU ("reset after"), both biases per gate (z, r, n): z = σ(x·W_z + b_xz + h·U_z + b_hz), r
 * likewise, n = tanh(x·W_n + b_xn + r·(h·U_n + b_hn)), h = (1 - z)·n + z·h.
 */
export const gruCell: FloatCell<GruWeights> = {
  gates: 3,
  states: 1,
  biases: (k, bias) => [bias(k.bias, SX, k.sw), bias(k.biasH, SH, k.su)],
  step(xt, [h], w, u, [bx, bh]) {
    const vx = (g: number) => tf.add(tf.matMul(xt, w[g]), bx[g]);
    const vh = (g: number) => tf.add(tf.matMul(h, u[g]), bh[g]);
    const z = tf.sigmoid(tf.add(vx(0), vh(0)));
    const r = tf.sigmoid(tf.add(vx(1), vh(1)));
    const n = tf.tanh(tf.add(vx(2), tf.mul(r, vh(2))));
    return [tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D];
  },
};

/**
 * The same LSTM or GRU in float32 on tfjs (dequantized weights, prepared once, one W_k, U_k and the
 * biases per gate), a step of `cell` per row of x. The gates are separate matrices and x_t comes from
 * JS: tfjs-backend-wasm's Slice and Split of the fused [B, G·H] projection measured ~10x the cost of
 * the whole rest of the step here (they copy through JS).
 */
export class FloatRnn<K extends LstmWeights> {
  readonly #w: tf.Tensor2D[];
  readonly #u: tf.Tensor2D[];
  readonly #b: tf.Tensor1D[][];
  readonly #d: tf.Tensor2D;
  readonly #k: K;
  readonly #cell: FloatCell<K>;

  constructor(k: K, cell: FloatCell<K>) {
    const f = floatWeights(k, cell.gates);
    [this.#k, this.#cell] = [k, cell];
    [this.#w, this.#u, this.#b, this.#d] = [f.w, f.u, cell.biases(k, f.bias), f.d];
  }

  /** x [batch * steps * I] pixels in [0, 1] -> logits [batch, classes]. */
  forward(x: Float32Array, batch: number, steps: number): Float32Array {
    const { inputSize: I, hidden: H } = this.#k;
    let state: tf.Tensor2D[] = Array.from({ length: this.#cell.states }, () => tf.zeros([batch, H]));
    for (let t = 0; t < steps; t++) {
      const next = tf.tidy(() => this.#cell.step(tf.tensor2d(stepRows(x, batch, steps, I, t), [batch, I]), state, this.#w, this.#u, this.#b));
      tf.dispose(state);
      state = next;
    }
    const logits = tf.tidy(() => tf.matMul(state[0], this.#d).dataSync() as Float32Array);
    tf.dispose(state);
    return logits;
  }

  dispose(): void {
    tf.dispose([...this.#w, ...this.#u, ...this.#b.flat(), this.#d]);
  }
}
