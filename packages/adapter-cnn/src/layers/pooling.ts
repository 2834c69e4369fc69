import * as tf from '@tensorflow/tfjs-core';
import { Module, QatjsError, passGrid, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import { irPads } from './lowering.ts';
import { checkInput } from '@qatjs/layers';
import { checkPadding, pair, type Padding } from './options.ts';

export interface PoolOptions {
  readonly poolSize: number | [number, number];
  /** Default: the pool size. */
  readonly strides?: number | [number, number];
  /** 'valid' (default), 'same' or a number. */
  readonly padding?: Padding;
}

abstract class Pool2d extends Module {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(o: PoolOptions, where: string) {
    super();
    if (o === null || typeof o !== 'object') throw new QatjsError(`${where}: options must be an object`);
    this.poolSize = pair(o.poolSize, where, 'poolSize');
    this.strides = o.strides === undefined ? this.poolSize : pair(o.strides, where, 'strides');
    this.padding = o.padding === undefined ? 'valid' : checkPadding(o.padding, where);
  }

  protected padded(x: tf.Tensor): { x: tf.Tensor4D; pad: 'same' | 'valid' } {
    if (typeof this.padding !== 'number') return { x: x as tf.Tensor4D, pad: this.padding };
    const p = this.padding;
    return { x: tf.pad(x as tf.Tensor4D, [[0, 0], [p, p], [p, p], [0, 0]], this.kind === 'MaxPool2d' ? -3.4e38 : 0), pad: 'valid' };
  }
}

/**
 * Max pooling. It declares no quantization point: the max of values on a grid is on that grid, so the
 * integer model keeps the input's scale.
 */
export class MaxPool2d extends Pool2d {
  readonly kind = 'MaxPool2d';
  constructor(o: PoolOptions) {
    super(o, 'MaxPool2d');
  }
  forward(x: tf.Tensor): tf.Tensor {
    checkInput(x, this.kind, { rank: 4, layout: 'NHWC' });
    return tf.tidy(() => {
      const p = this.padded(x);
      return passGrid(x, tf.maxPool(p.x, this.poolSize, this.strides, p.pad));
    });
  }

  /** The max of codes is the code of the max: the output keeps the input's grid. */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const x = ctx.requireInt8(inputs[0]);
    const pads = irPads(ctx, x.name, this.padding, this.poolSize, this.strides);
    return { ...x, name: ctx.builder.maxPool(x.name, { kernel: this.poolSize, strides: this.strides, pads }, { name: ctx.name('output') }) };
  }
}

/** Average pooling (zero padding counts in the average only for numeric padding). Averages leave the grid: an output point. */
export class AvgPool2d extends Pool2d {
  readonly kind = 'AvgPool2d';
  constructor(o: PoolOptions) {
    super(o, 'AvgPool2d');
  }
  override quantPoints(): QuantPointDecl[] {
    return [{ name: 'output', role: 'activation', channelAxis: 3 }];
  }
  forward(x: tf.Tensor): tf.Tensor {
    checkInput(x, this.kind, { rank: 4, layout: 'NHWC' });
    return tf.tidy(() => {
      const p = this.padded(x);
      return this.quantize('output', tf.avgPool(p.x, this.poolSize, this.strides, p.pad));
    });
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    // tfjs's 'same' average leaves padding out of the count, as the integer op does; zeros padded in by hand count.
    if (typeof this.padding === 'number') ctx.fail("numeric padding averages the padded zeros in; the integer op leaves padding out: use 'same' or 'valid'");
    const x = ctx.requireInt8(inputs[0]);
    const out = ctx.activationQuant(this, 'output');
    const pads = irPads(ctx, x.name, this.padding, this.poolSize, this.strides);
    return { name: ctx.builder.avgPool(x.name, { kernel: this.poolSize, strides: this.strides, pads }, { name: ctx.name('output'), dtype: 'int8', quant: out }), dtype: 'int8', quant: out };
  }
}

/** Mean over height and width: [N, H, W, C] -> [N, C]. */
export class GlobalAvgPool2d extends Module {
  readonly kind = 'GlobalAvgPool2d';
  override quantPoints(): QuantPointDecl[] {
    return [{ name: 'output', role: 'activation', channelAxis: 1 }];
  }
  forward(x: tf.Tensor): tf.Tensor {
    checkInput(x, this.kind, { rank: 4, layout: 'NHWC' });
    return tf.tidy(() => this.quantize('output', tf.mean(x, [1, 2])));
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const x = ctx.requireInt8(inputs[0]);
    const out = ctx.activationQuant(this, 'output');
    return { name: ctx.builder.globalAvgPool(x.name, {}, { name: ctx.name('output'), dtype: 'int8', quant: out }), dtype: 'int8', quant: out };
  }
}

/** [N, ...] -> [N, product]: no arithmetic, no quantization point. */
export class Flatten extends Module {
  readonly kind = 'Flatten';
  forward(x: tf.Tensor): tf.Tensor {
    if (!x || x.rank < 2) throw new QatjsError(`Flatten: input must have a batch axis and at least one more, got shape [${x?.shape}]`);
    return passGrid(x, tf.reshape(x, [x.shape[0], -1]));
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    return { ...inputs[0], name: ctx.builder.flatten(inputs[0].name, { name: ctx.name('output') }) };
  }
}
