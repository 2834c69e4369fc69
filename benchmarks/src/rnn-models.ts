// The 1-layer LSTM of the e2e-rnn suite, twice from the same weights: as an IntModel (quantize x,
// one lstm node, the last hidden state into a dense layer, dequantize) and as the float32 LSTM on
// tfjs-core ops with the dequantized weights prepared once (FloatLstm). Random weights: speed does
// not depend on training.
import * as tf from '@tensorflow/tfjs-core';
import { ModelBuilder, makeQuant, seededRandom, type IntModel } from '@qatjs/ir';

export interface LstmWeights {
  readonly inputSize: number;
  readonly hidden: number;
  readonly classes: number;
  /** int8 codes and per-column scales: W [I, 4H], U [H, 4H], dense [H, classes]; int32 biases. */
  readonly w: Int8Array; readonly sw: Float32Array;
  readonly u: Int8Array; readonly su: Float32Array;
  readonly bias: Int32Array;
  readonly d: Int8Array; readonly sd: Float32Array;
  readonly dbias: Int32Array;
}


const SX = Math.fround(1 / 255);
const SH = Math.fround(1 / 127);

export function lstmWeights(inputSize: number, hidden: number, classes: number, seed: number): LstmWeights {
  const r = seededRandom(seed); // the same weights on every run
  const codes = (n: number) => Int8Array.from({ length: n }, () => Math.round((2 * r() - 1) * 127));
  const scales = (n: number, depth: number) => Float32Array.from({ length: n }, () => (1.5 / (127 * Math.sqrt(depth))) * (0.75 + 0.5 * r()));
  const rows = 4 * hidden;
  const sw = scales(rows, inputSize);
  return {
    inputSize, hidden, classes,
    w: codes(inputSize * rows), sw,
    u: codes(hidden * rows), su: scales(rows, hidden),
    bias: Int32Array.from({ length: rows }, (_, n) => Math.round(((2 * r() - 1) * 0.5) / Math.fround(SX * sw[n]))),
    d: codes(hidden * classes), sd: scales(classes, hidden),
    dbias: new Int32Array(classes),
  };
}

/** float32 [-1, -2, I] (pixels in [0, 1]) -> logits [-1, classes]. */
export function intLstm(k: LstmWeights): IntModel {
  const b = new ModelBuilder();
  const rows = 4 * k.hidden;
  const xq = makeQuant({ scale: SX, zeroPoint: -128 });
  const hq = makeQuant({ scale: SH });
  const x = b.quantize(b.input('x', 'float32', [-1, -2, k.inputSize]), { dtype: 'int8', quant: xq });
  const wq = makeQuant({ scale: k.sw, axis: 1 });
  const w = b.constant({ name: 'W', dtype: 'int8', shape: [k.inputSize, rows], quant: wq, data: k.w });
  const u = b.constant({ name: 'U', dtype: 'int8', shape: [k.hidden, rows], quant: makeQuant({ scale: k.su, axis: 1 }), data: k.u });
  const bias = b.constant({ name: 'b', dtype: 'int32', shape: [rows], quant: { scale: Float32Array.from(k.sw, (s) => Math.fround(SX * s)), zeroPoint: new Int32Array(rows), bits: 32, axis: 0 }, data: k.bias });
  const { hT } = b.lstm(x, w, u, { bias, gates: makeQuant({ scale: 8 / 32768, bits: 16 }), maxSteps: 64 }, { hidden: { dtype: 'int8', quant: hq }, cell: makeQuant({ scale: 2 ** -11, bits: 16 }) });
  const dq = makeQuant({ scale: k.sd, axis: 1 });
  const d = b.constant({ name: 'D', dtype: 'int8', shape: [k.hidden, k.classes], quant: dq, data: k.d });
  const logits = b.gemm(hT, d, {}, { dtype: 'int8', quant: makeQuant({ scale: 0.05 }) });
  b.output(b.dequantize(logits, { name: 'logits' }));
  return b.build();
}

/**
 * The same LSTM in float32 on tfjs (dequantized weights, prepared once, one W_k, U_k, b_k per gate).
 * Per step and gate: x_t.W_k + h.U_k + b_k, then the nonlinearities and the state update. The gates
 * are separate matrices and x_t comes from JS: tfjs-backend-wasm's Slice and Split of the fused
 * [B, 4H] projection measured ~10x the cost of the whole rest of the step here (they copy through JS).
 */
export class FloatLstm {
  readonly #w: tf.Tensor2D[];
  readonly #u: tf.Tensor2D[];
  readonly #b: tf.Tensor1D[];
  readonly #d: tf.Tensor2D;
  readonly #k: LstmWeights;

  constructor(k: LstmWeights) {
    const rows = 4 * k.hidden;
    const H = k.hidden;
    // gate `gate`'s columns of a [depth, 4H] code matrix, dequantized
    const gateOf = (codes: Int8Array, scales: Float32Array, depth: number, gate: number) =>
      Float32Array.from({ length: depth * H }, (_, e) => codes[Math.floor(e / H) * rows + gate * H + (e % H)] * scales[gate * H + (e % H)]);
    this.#k = k;
    this.#w = [0, 1, 2, 3].map((g) => tf.tensor2d(gateOf(k.w, k.sw, k.inputSize, g), [k.inputSize, H]));
    this.#u = [0, 1, 2, 3].map((g) => tf.tensor2d(gateOf(k.u, k.su, H, g), [H, H]));
    this.#b = [0, 1, 2, 3].map((g) => tf.tensor1d(Float32Array.from({ length: H }, (_, j) => k.bias[g * H + j] * Math.fround(SX * k.sw[g * H + j]))));
    this.#d = tf.tensor2d(Float32Array.from(k.d, (c, i) => c * k.sd[i % k.classes]), [H, k.classes]);
  }

  /** x [batch * steps * I] pixels in [0, 1] -> logits [batch, classes]. */
  forward(x: Float32Array, batch: number, steps: number): Float32Array {
    const { inputSize: I, hidden: H } = this.#k;
    const rowsAt = (t: number) => {
      const xt = new Float32Array(batch * I);
      for (let b = 0; b < batch; b++) xt.set(x.subarray((b * steps + t) * I, (b * steps + t + 1) * I), b * I);
      return xt;
    };
    let h: tf.Tensor2D = tf.zeros([batch, H]);
    let c: tf.Tensor2D = tf.zeros([batch, H]);
    for (let t = 0; t < steps; t++) {
      const [h2, c2] = tf.tidy(() => {
        const xt = tf.tensor2d(rowsAt(t), [batch, I]);
        const gate = (g: number) => tf.add(tf.add(tf.matMul(xt, this.#w[g]), tf.matMul(h, this.#u[g])), this.#b[g]);
        const cNext = tf.add(tf.mul(tf.sigmoid(gate(1)), c), tf.mul(tf.sigmoid(gate(0)), tf.tanh(gate(2)))) as tf.Tensor2D;
        return [tf.mul(tf.sigmoid(gate(3)), tf.tanh(cNext)) as tf.Tensor2D, cNext];
      });
      tf.dispose([h, c]);
      [h, c] = [h2, c2];
    }
    const logits = tf.tidy(() => tf.matMul(h, this.#d).dataSync() as Float32Array);
    tf.dispose([h, c]);
    return logits;
  }

  dispose(): void {
    tf.dispose([...this.#w, ...this.#u, ...this.#b, this.#d]);
  }
}
