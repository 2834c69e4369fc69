import * as tf from '@tensorflow/tfjs-core';
import { gridOf, passGrid, type LoweredValue, type LoweringContext, type NamedLoweredValues, type QuantPointDecl } from '@qatjs/core';
import { directionBias, wideQuant } from './lowering.ts';
import { cellPoint, gatePoint, hiddenPoint, inputPoint, weightPoints } from './points.ts';
import { RecurrentLayer, type LayerRun, type LayerShape } from './recurrent-layer.ts';

export interface LstmLayerRun extends LayerRun {
  readonly c: tf.Tensor3D;
}

/**
 * One stacked LSTM layer (both directions), simulating the integer lstm op (docs/guides/rnn-adapter.md):
 *   v = fq_gates(xq·Wq + b + hq·Uq)           16-bit pre-activations, gate order i, f, g, o
 *   c = fq_cell(σ(v_f)·c + σ(v_i)·tanh(v_g))  16-bit cell
 *   h = fq_hidden(σ(v_o)·tanh(c))              8-bit hidden state and output
 * with b simulated as int32 in units of s_x·s_W[n].
 */
export class LstmLayer extends RecurrentLayer {
  readonly kind = 'LSTM';
  readonly bias: tf.Variable;

  constructor(shape: LayerShape) {
    super(shape, 4);
    const h = shape.hidden;
    // forget-gate bias 1 (Jozefowicz et al. 2015), the rest 0
    const one = new Float32Array(this.columns);
    for (let d = 0; d < shape.directions; d++) one.fill(1, d * 4 * h + h, d * 4 * h + 2 * h);
    this.bias = this.registerParameter('bias', tf.tensor1d(one));
  }

  override quantPoints(): QuantPointDecl[] {
    return [inputPoint(), ...weightPoints(this.inputSize, this.hidden, this.columns), hiddenPoint(), gatePoint('gates', 'the gate pre-activations'), cellPoint()];
  }

  /** x [B, T, I]; h0 and c0 [D, B, H] (absent: zeros). */
  forward(x: tf.Tensor, h0?: tf.Tensor, c0?: tf.Tensor): LstmLayerRun {
    const [batch] = this.checkSequence(x);
    return tf.tidy(() => {
      const xq = this.quantize('input', x);
      const wq = this.quantize('weight', this.weight);
      const u = this.recurrentMatrix(this.quantize('recurrentWeight', this.recurrentWeight));
      const steps = this.projectSteps(xq, wq, this.integerBias(this.bias, gridOf(xq), 'weight'));
      const hRows = this.stateRows(h0, 'h', batch);
      const cRows = this.stateRows(c0, 'c', batch);
      let h = hRows && this.quantize('hidden', hRows);
      let c = cRows && this.quantize('cell', cRows);
      const hs: tf.Tensor[] = [];
      const hh = this.hidden;
      for (const ax of steps) {
        const v = this.quantize('gates', h ? tf.add(ax, this.recurrentProduct(h, u)) : ax);
        const [i, f, g, o] = tf.split(v, [hh, hh, hh, hh], 1);
        const ig = tf.mul(tf.sigmoid(i), tf.tanh(g));
        c = this.quantize('cell', c ? tf.add(tf.mul(tf.sigmoid(f), c), ig) : ig);
        h = this.quantize('hidden', tf.mul(tf.sigmoid(o), tf.tanh(c)));
        hs.push(h);
      }
      const last = h as tf.Tensor;
      return { output: passGrid(last, this.assembleOutput(hs, batch)), h: passGrid(last, this.stateOut(last, batch)), c: this.stateOut(c as tf.Tensor, batch) };
    });
  }

  /**
   * One fused lstm op per direction (docs/guides/rnn-adapter.md: why fused); a bidirectional layer
   * concatenates the directions' outputs, which share the hidden grid. Returns `output` (every step),
   * `last` (the final hidden states, [B, D·H]) and each direction's final states `hT<d>`, `cT<d>`
   * (started from graph inputs when the stack lowers the states).
   */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): NamedLoweredValues {
    const gates = wideQuant(ctx, this, 'gates');
    const cell = wideQuant(ctx, this, 'cell');
    return this.lowerDirections(
      ctx,
      inputs[0] as LoweredValue,
      (x, hidden, d, w, u, s) =>
        ctx.builder.lstm(
          x.name, w.name, u.name,
          { bias: directionBias(ctx, this.bias, x.quant, w.quant, this.directions, d, 'bias'), ...(s.h0 ? { h0: s.h0 } : {}), ...(s.c0 ? { c0: s.c0 } : {}), gates, reverse: d === 1, maxSteps: this.maxSteps },
          { hidden: { dtype: 'int8', quant: hidden }, cell, names: { y: ctx.name(`y${d}`), hT: s.hT ?? ctx.name(`hT${d}`), cT: s.cT ?? ctx.name(`cT${d}`) } },
        ),
      cell,
    );
  }
}
