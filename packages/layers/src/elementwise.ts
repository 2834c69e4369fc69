import * as tf from '@tensorflow/tfjs-core';
import { Module, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import { activationClamp, type Clamp, type QuantParams } from '@qatjs/ir';
import { applyActivation, checkActivation, type Activation } from './activation.ts';
import { broadcastShape } from './broadcast.ts';
import { LayerError } from './errors.ts';
import { nonNegativeInt, positiveInt } from './options.ts';

export interface ElementwiseOptions {
  /** Fused before the output quantizer (a clamp in the integer model). Default 'none'. */
  readonly activation?: Activation;
  /** Rank of the output (after broadcasting); when given, forward checks it. */
  readonly rank?: number;
  /**
   * The output's channel axis, for per-channel output quantizers; default the last axis of `rank`.
   * With neither `axis` nor `rank` the output point declares no channel axis (per-tensor only).
   */
  readonly axis?: number;
}

/**
 * A binary elementwise layer with numpy broadcasting, a fused activation and its own output
 * quantizer: Add and Mul. The integer model takes both inputs on their own grids.
 */
export abstract class Elementwise extends Module {
  readonly activation: Activation;
  readonly rank: number | undefined;
  readonly axis: number | undefined;

  constructor(o: ElementwiseOptions, where: string) {
    super();
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object`);
    this.activation = checkActivation(o.activation, where);
    this.rank = o.rank === undefined ? undefined : positiveInt(o.rank, where, 'rank');
    const axis = o.axis === undefined ? undefined : nonNegativeInt(o.axis, where, 'axis');
    if (axis !== undefined && this.rank !== undefined && axis >= this.rank) throw new LayerError(`${where}: axis ${axis} is out of range for rank ${this.rank}`);
    this.axis = axis ?? (this.rank === undefined ? undefined : this.rank - 1);
  }

  /** The float operation (tfjs broadcasts). */
  protected abstract op(a: tf.Tensor, b: tf.Tensor): tf.Tensor;
  /** Adds this layer's IR node; returns its output value's name. */
  protected abstract lowerOp(ctx: LoweringContext, a: string, b: string, clamp: Clamp, out: QuantParams, dtype: 'int8' | 'int16'): string;
  /** True when the IR op takes and gives int16 codes too (add: a 16-bit residual stream). */
  protected readonly wideCodes: boolean = false;

  override quantPoints(): QuantPointDecl[] {
    return [{ name: 'output', role: 'activation', ...(this.axis === undefined ? {} : { channelAxis: this.axis }), nonNegative: this.activation !== 'none' }];
  }

  forward(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    const shape = broadcastShape(a, b, this.kind);
    if (this.rank !== undefined && shape.length !== this.rank) throw new LayerError(`${this.kind}: the output has rank ${shape.length} ([${shape}]), the layer expects rank ${this.rank}`);
    if (this.axis !== undefined && this.axis >= shape.length) throw new LayerError(`${this.kind}: axis ${this.axis} is out of range for the output [${shape}]`);
    return tf.tidy(() => this.quantize('output', applyActivation(this.op(a, b), this.activation)));
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    if (inputs.length !== 2) ctx.fail(`${this.kind} takes two inputs, got ${inputs.length}`);
    if (!this.wideCodes) {
      const [a, b] = [ctx.requireInt8(inputs[0]), ctx.requireInt8(inputs[1])];
      const out = ctx.activationQuant(this, 'output');
      return { name: this.lowerOp(ctx, a.name, b.name, activationClamp(this.activation, out), out, 'int8'), dtype: 'int8', quant: out };
    }
    // int8 or int16 inputs, and an int16 output for a 9..16-bit output point (a 16-bit residual stream)
    const [a, b] = [ctx.requireCodes(inputs[0]), ctx.requireCodes(inputs[1])];
    const { dtype, quant } = ctx.activationGrid(this, 'output');
    return { name: this.lowerOp(ctx, a.name, b.name, activationClamp(this.activation, quant, dtype), quant, dtype), dtype, quant };
  }
}
