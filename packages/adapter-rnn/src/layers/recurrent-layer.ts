import * as tf from '@tensorflow/tfjs-core';
import { Module, fakeQuantizeBias, type LoweredValue, type LoweringContext, type NamedLoweredValues, type NamedTensors, type TensorGrid } from '@qatjs/core';
import type { QuantParams } from '@qatjs/ir';
import { directionWeight } from './lowering.ts';

type WeightConstant = { readonly name: string; readonly quant: QuantParams };

/**
 * The state values of one layer's integer ops, per direction, when its stack lowers the states
 * (RecurrentOptions.lowerStates): graph inputs h0 (and c0) declared under these names, and the
 * ops' final states hT (and cT) named so, which the stack returns as graph outputs.
 */
export interface StateNames {
  readonly h0: readonly string[];
  readonly hT: readonly string[];
  readonly c0?: readonly string[];
  readonly cT?: readonly string[];
}

/** What the op callback of lowerDirections gets for direction d: the state inputs to start from, and the names of the final states. */
export interface DirectionStates {
  readonly h0?: string;
  readonly c0?: string;
  readonly hT?: string;
  readonly cT?: string;
}
import { LayerError, checkInput } from '@qatjs/layers';

/** What one stacked layer returns: every step's output and the final states, [directions, batch, hidden]. */
export interface LayerRun extends NamedTensors {
  /** [batch, steps, directions · hidden]: forward | backward, in time order. */
  readonly output: tf.Tensor3D;
  readonly h: tf.Tensor3D;
}

export interface LayerShape {
  readonly inputSize: number;
  readonly hidden: number;
  readonly directions: 1 | 2;
  readonly maxSteps: number;
  readonly seed: number;
}

/**
 * One stacked layer of an LSTM or GRU, both directions in one module so they share their points (one
 * hidden grid: the concatenation of the directions is exact). Weights are W [I, D·G·H] and U [H, D·G·H]
 * with columns direction-major, then gate, then unit (PyTorch's gate order within a direction).
 *
 * Efficient training: the x-projection of every step and both directions is one matMul; each step
 * is one h·U matMul (batched over the directions) plus the gate math. Rows of the per-step tensors
 * are (direction, batch) pairs: [D·B, G·H].
 */
export abstract class RecurrentLayer extends Module<LayerRun> {
  abstract override readonly kind: 'LSTM' | 'GRU';
  readonly weight: tf.Variable;
  readonly recurrentWeight: tf.Variable;
  readonly inputSize: number;
  readonly hidden: number;
  readonly directions: 1 | 2;
  readonly maxSteps: number;
  /** Set by the stack only while it lowers this layer with states (RecurrentOptions.lowerStates). */
  stateNames: StateNames | undefined;

  constructor(
    shape: LayerShape,
    readonly gateCount: number,
  ) {
    super();
    const { inputSize, hidden, directions, seed } = shape;
    this.inputSize = inputSize;
    this.hidden = hidden;
    this.directions = directions;
    this.maxSteps = shape.maxSteps;
    // PyTorch's initialization: U(-1/sqrt(H), 1/sqrt(H)) for every weight
    const k = 1 / Math.sqrt(hidden);
    this.weight = this.registerParameter('weight', tf.randomUniform([inputSize, this.columns], -k, k, 'float32', seed));
    this.recurrentWeight = this.registerParameter('recurrentWeight', tf.randomUniform([hidden, this.columns], -k, k, 'float32', seed + 7919));
  }

  /** D·G·H: the columns of W and U. */
  get columns(): number {
    return this.directions * this.gateCount * this.hidden;
  }

  protected get where(): string {
    return `${this.kind} layer`;
  }

  /** Validates x [batch, steps, inputSize] and the step count; returns [batch, steps]. */
  protected checkSequence(x: tf.Tensor): [number, number] {
    checkInput(x, this.where, { rank: 3, channels: this.inputSize, layout: 'batch, steps, features' });
    const [b, t] = x.shape;
    if (b < 1 || t < 1) throw new LayerError(`${this.where}: input must have at least one sequence and one step, got shape [${x.shape}]`);
    if (t > this.maxSteps) throw new LayerError(`${this.where}: the sequence has ${t} steps, more than the layer's maxSteps (${this.maxSteps}); declare a larger maxSteps`);
    return [b, t];
  }

  /** Validates an initial state [directions, batch, hidden] and flattens it to [D·B, H]. */
  protected stateRows(s: tf.Tensor | undefined, name: string, batch: number): tf.Tensor2D | undefined {
    if (s === undefined) return undefined;
    const want = [this.directions, batch, this.hidden];
    if (!(s instanceof tf.Tensor) || s.dtype !== 'float32' || s.rank !== 3 || s.shape.some((d, i) => d !== want[i])) {
      const got = s instanceof tf.Tensor ? `${s.dtype} [${s.shape}]` : typeof s;
      throw new LayerError(`${this.where}: initial ${name} must be float32 [${want}] (directions, batch, hidden), got ${got}`);
    }
    return tf.reshape(s, [this.directions * batch, this.hidden]);
  }

  /**
   * A bias as the integer op stores it: int32 in units of fround(s_in · s_W[n]) when the input lies on
   * a known grid and the weight is quantized by an affine quantizer (otherwise the float bias).
   */
  protected integerBias(bias: tf.Tensor, grid: TensorGrid | undefined, weightPoint: string): tf.Tensor {
    const wq = this.getQuantizer(weightPoint);
    if (!grid || !wq?.affine) return bias;
    return fakeQuantizeBias(bias, grid.scale, wq.qparams().scale);
  }

  /**
   * The x-projection of every step as one matMul ([T·B, I] · [I, D·G·H], bias added), returned as T
   * tensors [D·B, G·H] in step order (the backward direction's step s reads x[T - 1 - s]). Slicing it
   * per step is cheap on wasm once initBackend('wasm') installs @qatjs/tfjs-wasm-training's in-place
   * Slice/SplitV/Unpack (the stock ones copied the whole projection once per step).
   */
  protected projectSteps(xq: tf.Tensor, wq: tf.Tensor, bias: tf.Tensor | undefined): tf.Tensor2D[] {
    const [b, t] = xq.shape;
    const gh = this.gateCount * this.hidden;
    const timeMajor = tf.reshape(tf.transpose(xq, [1, 0, 2]), [t * b, this.inputSize]) as tf.Tensor2D;
    let p: tf.Tensor = tf.matMul(timeMajor, wq as tf.Tensor2D);
    if (bias) p = tf.add(p, bias);
    if (this.directions === 2) {
      const [fwd, bwd] = tf.split(tf.transpose(tf.reshape(p, [t, b, 2, gh]), [0, 2, 1, 3]), 2, 1); // [T, 1, B, GH] each
      p = tf.concat([fwd, tf.reverse(bwd, 0)], 1);
    }
    return tf.unstack(tf.reshape(p, [t, this.directions * b, gh])) as tf.Tensor2D[];
  }

  /** Uq [H, D·GH] arranged for the per-step product: [H, GH] (one direction) or [D, H, GH]. */
  protected recurrentMatrix(uq: tf.Tensor): tf.Tensor {
    if (this.directions === 1) return uq;
    return tf.transpose(tf.reshape(uq, [this.hidden, this.directions, this.gateCount * this.hidden]), [1, 0, 2]);
  }

  /** h [D·B, H] · U per direction: [D·B, GH]. */
  protected recurrentProduct(h: tf.Tensor, u: tf.Tensor): tf.Tensor2D {
    if (this.directions === 1) return tf.matMul(h as tf.Tensor2D, u as tf.Tensor2D);
    const rows = h.shape[0];
    const y = tf.matMul(tf.reshape(h, [this.directions, rows / this.directions, this.hidden]) as tf.Tensor3D, u as tf.Tensor3D);
    return tf.reshape(y, [rows, this.gateCount * this.hidden]);
  }

  /** Step outputs (each [D·B, H], step order) to [B, T, D·H] in time order. */
  protected assembleOutput(hs: tf.Tensor[], batch: number): tf.Tensor3D {
    const t = hs.length;
    let y = tf.reshape(tf.stack(hs), [t, this.directions, batch, this.hidden]);
    if (this.directions === 2) {
      const [fwd, bwd] = tf.split(y, 2, 1);
      y = tf.concat([fwd, tf.reverse(bwd, 0)], 1);
    }
    return tf.reshape(tf.transpose(y, [2, 0, 1, 3]), [batch, t, this.directions * this.hidden]) as tf.Tensor3D;
  }

  /** [D·B, H] rows back to [D, B, H]. */
  protected stateOut(rows: tf.Tensor, batch: number): tf.Tensor3D {
    return tf.reshape(rows, [this.directions, batch, this.hidden]) as tf.Tensor3D;
  }

  /**
   * One fused op per direction, `op` adding it for direction d with that direction's weight
   * constants; the directions' outputs joined: `output` y [B, T, D·H] and `last` hT [B, D·H],
   * concatenated along the features (exact: both directions are on the one hidden grid).
   */
  protected lowerDirections(
    ctx: LoweringContext,
    input: LoweredValue,
    op: (x: LoweredValue & { quant: QuantParams }, hidden: QuantParams, d: number, w: WeightConstant, u: WeightConstant, states: DirectionStates) => { y: string; hT: string; cT?: string },
    cell?: QuantParams,
  ): NamedLoweredValues {
    const x = ctx.layerInput(this, input) as LoweredValue & { quant: QuantParams };
    const hidden = ctx.activationQuant(this, 'hidden');
    const ys: string[] = [];
    const hs: string[] = [];
    const finals: Record<string, LoweredValue> = {};
    const io = this.stateNames;
    for (let d = 0; d < this.directions; d++) {
      const w = directionWeight(ctx, this, 'weight', this.weight, this.directions, d);
      const u = directionWeight(ctx, this, 'recurrentWeight', this.recurrentWeight, this.directions, d);
      // the initial states as graph inputs: codes on the hidden grid (int8) and the cell grid (int16)
      const states: DirectionStates = io
        ? {
            h0: ctx.builder.input(io.h0[d], 'int8', [-1, this.hidden], hidden),
            hT: io.hT[d],
            ...(io.c0 && cell ? { c0: ctx.builder.input(io.c0[d], 'int16', [-1, this.hidden], cell), cT: io.cT?.[d] } : {}),
          }
        : {};
      const out = op(x, hidden, d, w, u, states);
      ys.push(out.y);
      hs.push(out.hT);
      finals[`hT${d}`] = { name: out.hT, dtype: 'int8', quant: hidden, keepCodes: true };
      if (out.cT !== undefined && cell) finals[`cT${d}`] = { name: out.cT, dtype: 'int16', quant: cell, keepCodes: true };
    }
    const join = (names: string[], axis: number, suffix: string) => (names.length === 1 ? names[0] : ctx.builder.concat(names, axis, { name: ctx.name(suffix) }));
    const value = (name: string) => ({ name, dtype: 'int8' as const, quant: hidden });
    return { output: value(join(ys, 2, 'output')), last: value(join(hs, 1, 'last')), ...finals };
  }
}
