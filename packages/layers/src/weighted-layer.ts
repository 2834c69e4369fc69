import * as tf from '@tensorflow/tfjs-core';
import { Module, fakeQuantizeBias, gridOf, type LoweredValue, type LoweringContext, type QuantPointDecl } from '@qatjs/core';
import { activationClamp, type Clamp, type QuantParams } from '@qatjs/ir';
import { applyActivation, type Activation } from './activation.ts';
import { BatchNorm, type BatchNormOptions } from './batch-norm.ts';

/**
 * What layers with a weight share (Dense here; Conv2d and DepthwiseConv2d in @qatjs/adapter-cnn): a
 * weight, a bias or a folded batch norm, a fused activation, and the quantization points input,
 * weight and output. Inputs and outputs have their channels on the last axis.
 *
 * Batch norm is folded the way PyTorch's ConvBn modules and Krishnamoorthi (2018) do it:
 * - while batch statistics are in use (training, before the schedule freezes batch norm), the weight
 *   is scaled by gamma / sqrt(runningVar + eps) before it is fake-quantized, so it trains on the grid it
 *   will be deployed on; the product is scaled back and normalized with the batch's statistics;
 * - otherwise (eval, or after freezeBatchNormAt) the layer is exactly the folded one the integer model
 *   runs: y = linear(x, fq(w * scale)) + (beta + (bias - mean) * scale).
 */
export abstract class WeightedLayer extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;
  readonly bn: BatchNorm | undefined;

  constructor(
    weight: tf.Tensor,
    readonly outChannels: number,
    readonly activation: Activation,
    useBias: boolean,
    batchNorm: boolean | BatchNormOptions | undefined,
  ) {
    super();
    this.weight = this.registerParameter('weight', weight);
    this.bn = batchNorm ? this.registerModule('bn', new BatchNorm(outChannels, batchNorm === true ? {} : batchNorm)) : undefined;
    this.bias = useBias && !this.bn ? this.registerParameter('bias', tf.zeros([outChannels])) : undefined;
  }

  /** The layer's product without bias: conv2d, depthwise conv2d or matMul. */
  protected abstract linear(x: tf.Tensor, w: tf.Tensor): tf.Tensor;
  /** The weight's shape with 1s except on the axes of output channels, to scale it per channel. */
  protected abstract outChannelShape(): number[];
  /** Rank of the input and output tensors (4 for NHWC; 2 or more for Dense). */
  protected abstract get ioRank(): number;
  protected abstract checkForwardInput(x: tf.Tensor): void;

  override quantPoints(): QuantPointDecl[] {
    const axis = this.ioRank - 1;
    return [
      { name: 'input', role: 'activation', channelAxis: axis },
      { name: 'weight', role: 'weight', shape: [...this.weight.shape], channelAxis: this.weightChannelAxis(), initialValue: () => this.foldedWeight() },
      { name: 'output', role: 'activation', channelAxis: axis, nonNegative: this.activation !== 'none' },
    ];
  }

  /** The axis of the weight that per-channel quantization uses (the output channels). */
  protected abstract weightChannelAxis(): number;

  /** Adds this layer's IR node (conv2d, depthwiseConv2d or gemm); returns its output value's name. */
  protected abstract lowerOp(ctx: LoweringContext, x: string, w: string, bias: string | undefined, clamp: Clamp, out: QuantParams): string;

  /** The integer layer: folded weights quantized by the weight quantizer, int32 bias, fused activation as a clamp. */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const x = ctx.layerInput(this, inputs[0]);
    const folded = this.foldedWeight();
    const biasValues = this.foldedBias();
    try {
      const w = ctx.weightConstant(this, folded, this.weightChannelAxis());
      const out = ctx.activationQuant(this, 'output');
      const bias = biasValues && ctx.biasConstant(biasValues, x.quant as QuantParams, w.quant);
      return { name: this.lowerOp(ctx, x.name, w.name, bias, activationClamp(this.activation, out), out), dtype: 'int8', quant: out };
    } finally {
      tf.dispose([folded, biasValues ?? []]);
    }
  }

  /** The weight the integer model stores (before quantization): w * gamma / sqrt(var + eps) with batch norm. */
  foldedWeight(): tf.Tensor {
    return tf.tidy(() => (this.bn ? tf.mul(this.weight, tf.reshape(this.bn.foldScale(), this.outChannelShape())) : tf.clone(this.weight)));
  }

  /** The bias the integer model adds (float; undefined without bias or batch norm). */
  foldedBias(): tf.Tensor1D | undefined {
    if (this.bn) {
      const bn = this.bn;
      return tf.tidy(() => bn.foldedBias(bn.foldScale(), this.bias));
    }
    return this.bias ? (tf.clone(this.bias) as tf.Tensor1D) : undefined;
  }

  /** Output channels per weight scale (the depthwise channel multiplier; 1 otherwise). */
  protected get biasChannelsPerWeightScale(): number {
    return 1;
  }

  /**
   * The bias the integer model adds: when the input lies on a known grid and the weight is quantized,
   * rounded to int32 in units of s_x * s_w[c] as convert() stores it (otherwise the float bias). Without
   * this, at 4 bits and fewer, bias rounding alone moves a few percent of the outputs by one code.
   */
  private integerBias(bias: tf.Tensor, xq: tf.Tensor): tf.Tensor {
    const grid = gridOf(xq);
    const wq = this.getQuantizer('weight');
    // a non-affine weight grid has no int32 bias to simulate (and convert() refuses it)
    if (!grid || !wq?.affine) return bias;
    return fakeQuantizeBias(bias, grid.scale, wq.qparams().scale, this.biasChannelsPerWeightScale);
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.checkForwardInput(x);
    return tf.tidy(() => {
      const xq = this.quantize('input', x);
      let y: tf.Tensor;
      if (this.bn?.usesBatchStatistics) {
        const scale = this.bn.foldScale();
        const wq = this.quantize('weight', tf.mul(this.weight, tf.reshape(scale, this.outChannelShape())));
        y = this.bn.normalizeWithBatchStatistics(tf.div(this.linear(xq, wq), scale));
      } else if (this.bn) {
        const scale = this.bn.foldScale();
        const wq = this.quantize('weight', tf.mul(this.weight, tf.reshape(scale, this.outChannelShape())));
        y = tf.add(this.linear(xq, wq), this.integerBias(this.bn.foldedBias(scale), xq));
      } else {
        y = this.linear(xq, this.quantize('weight', this.weight));
        if (this.bias) y = tf.add(y, this.integerBias(this.bias, xq));
      }
      return this.quantize('output', applyActivation(y, this.activation));
    });
  }
}
