import * as tf from '@tensorflow/tfjs-core';
import { gridOf, passGrid, type LoweredValue, type LoweringContext, type NamedLoweredValues, type QuantPointDecl, type TensorGrid } from '@qatjs/core';
import { directionBias, wideQuant } from './lowering.ts';
import { gatePoint, hiddenPoint, inputPoint, weightPoints } from './points.ts';
import { RecurrentLayer, type LayerRun, type LayerShape } from './recurrent-layer.ts';

/**
 * One stacked GRU layer (both directions), "reset after" (PyTorch, Keras v2, ONNX linear_before_reset),
 * simulating the integer gru op (docs/guides/rnn-adapter.md), gate order z, r, n:
 *   px = fq_inputGates(xq·Wq + bx)       16-bit
 *   ph = fq_recurrentGates(hq·Uq + bh)   16-bit
 *   z = σ(px_z + ph_z); r = σ(px_r + ph_r); n = tanh(px_n + r·ph_n)
 *   h = fq_hidden((1 - z)·n + z·h)
 * with bx, bh simulated as int32 in units of s_x·s_W[n] and s_h·s_U[n].
 */
export class GruLayer extends RecurrentLayer {
  readonly kind = 'GRU';
  readonly biasX: tf.Variable;
  readonly biasH: tf.Variable;

  constructor(shape: LayerShape) {
    super(shape, 3);
    this.biasX = this.registerParameter('biasX', tf.zeros([this.columns]));
    this.biasH = this.registerParameter('biasH', tf.zeros([this.columns]));
  }

  override quantPoints(): QuantPointDecl[] {
    return [
      inputPoint(),
      ...weightPoints(this.inputSize, this.hidden, this.columns),
      hiddenPoint(),
      gatePoint('inputGates', 'the input-side gate pre-activations'),
      gatePoint('recurrentGates', 'the recurrent-side gate pre-activations'),
    ];
  }

  /**
   * The hidden grid before the first step when no h0 is given (h = 0 lies on every grid): the hidden
   * quantizer's, once it is fixed (evaluation, frozen observers), so the integer model's step 0 is matched.
   */
  private initialHiddenGrid(): TensorGrid | undefined {
    const q = this.getQuantizer('hidden');
    const ctx = this.quantController?.contextFor(this.training);
    if (!q?.affine || !ctx?.fakeQuant || ctx.observe) return undefined;
    const p = q.qparams();
    return { scale: p.scale[0], zeroPoint: p.zeroPoint[0] };
  }

  /** [D, 1, GH] so it adds to the per-direction rows. */
  private perDirection(bias: tf.Tensor): tf.Tensor {
    return tf.reshape(bias, [this.directions, 1, this.gateCount * this.hidden]);
  }

  /** x [B, T, I]; h0 [D, B, H] (absent: zeros). */
  forward(x: tf.Tensor, h0?: tf.Tensor): LayerRun {
    const [batch] = this.checkSequence(x);
    return tf.tidy(() => {
      const xq = this.quantize('input', x);
      const wq = this.quantize('weight', this.weight);
      const uq = this.quantize('recurrentWeight', this.recurrentWeight);
      const u = this.recurrentMatrix(uq);
      const rows = this.directions * batch;
      const gh = this.gateCount * this.hidden;
      const steps = this.projectSteps(xq, wq, this.integerBias(this.biasX, gridOf(xq), 'weight'));
      const hRows = this.stateRows(h0, 'h', batch);
      let h = hRows && this.quantize('hidden', hRows);
      let bhCache: { scale: number | undefined; value: tf.Tensor } | undefined;
      const hs: tf.Tensor[] = [];
      const hh = this.hidden;
      for (const ax of steps) {
        const p = this.quantize('inputGates', ax);
        const grid = h ? gridOf(h) : this.initialHiddenGrid();
        if (bhCache?.scale !== grid?.scale || !bhCache) bhCache = { scale: grid?.scale, value: this.perDirection(this.integerBias(this.biasH, grid, 'recurrentWeight')) };
        const ah = h
          ? tf.reshape(tf.add(tf.reshape(this.recurrentProduct(h, u), [this.directions, batch, gh]), bhCache.value), [rows, gh])
          : tf.reshape(tf.tile(bhCache.value, [1, batch, 1]), [rows, gh]);
        const ph = this.quantize('recurrentGates', ah);
        const [xz, xr, xn] = tf.split(p, [hh, hh, hh], 1);
        const [hz, hr, hn] = tf.split(ph, [hh, hh, hh], 1);
        const z = tf.sigmoid(tf.add(xz, hz));
        const r = tf.sigmoid(tf.add(xr, hr));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        const mixed = tf.mul(tf.sub(1, z), n);
        h = this.quantize('hidden', h ? tf.add(mixed, tf.mul(z, h)) : mixed);
        hs.push(h);
      }
      const last = h as tf.Tensor;
      return { output: passGrid(last, this.assembleOutput(hs, batch)), h: passGrid(last, this.stateOut(last, batch)) };
    });
  }

  /** One fused gru op per direction; see LstmLayer.lower. */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): NamedLoweredValues {
    const inputGates = wideQuant(ctx, this, 'inputGates');
    const recurrentGates = wideQuant(ctx, this, 'recurrentGates');
    return this.lowerDirections(ctx, inputs[0] as LoweredValue, (x, hidden, d, w, u, s) => {
      const biasX = directionBias(ctx, this.biasX, x.quant, w.quant, this.directions, d, 'biasX');
      const biasH = directionBias(ctx, this.biasH, hidden, u.quant, this.directions, d, 'biasH');
      return ctx.builder.gru(x.name, w.name, u.name, { biasX, biasH, ...(s.h0 ? { h0: s.h0 } : {}), inputGates, recurrentGates, reverse: d === 1, maxSteps: this.maxSteps }, {
        hidden: { dtype: 'int8', quant: hidden },
        names: { y: ctx.name(`y${d}`), hT: s.hT ?? ctx.name(`hT${d}`) },
      });
    });
  }
}
