import type * as tf from '@tensorflow/tfjs-core';
import type { QParams } from '../observers/qparams.ts';
import type { QuantSpec } from '../spec/quant-spec.ts';
import type { QuantPoint, QuantizeContext } from './quant-point.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A quantizer's checkpointable state: JSON-safe, exact on a JSON round trip. */
export interface QuantizerState {
  readonly quantizer: string;
  readonly frozen: boolean;
  readonly data: { readonly [key: string]: JsonValue };
}

/**
 * One quantization point's fake-quantizer, made by a QuantizerPlugin. Lives as long as the prepared
 * model; holds no tfjs tensors but its `variables`.
 */
export interface Quantizer {
  /** The plugin that made it. */
  readonly quantizer: string;
  readonly point: QuantPoint;
  /** The integer grid (bits, signed, symmetric, axis). */
  readonly spec: QuantSpec;
  /**
   * True when apply() maps every value to (q - zeroPoint) * scale with an integer q in qparams()'s
   * [qmin, qmax] (per channel along spec.axis): the grid the integer model computes on. convert()
   * refuses a quantizer that says false; training and evaluation do not care, and core never asks a
   * non-affine quantizer for qparams() while the model runs.
   */
  readonly affine: boolean;
  /** Learnable tensors (step sizes, offsets, clip levels); trained with the weights. */
  readonly variables: readonly tf.Variable[];
  /** Frozen quantizers keep their parameters: no observing, no learning. */
  readonly frozen: boolean;
  /** Fake-quantizes x (observing first when ctx.observe). Call inside tf.tidy; returns a new tensor or x. */
  apply(x: tf.Tensor, ctx: QuantizeContext): tf.Tensor;
  /**
   * The scale, zero point and [qmin, qmax] the integer model will use. Throws if not calibrated yet.
   * Called by convert(), and for affine per-tensor activations at most once per forward pass of a layer
   * that asks for its input's grid.
   */
  qparams(): QParams;
  freeze(): void;
  state(): QuantizerState;
  load(state: QuantizerState): void;
  /** A loss term the training loop adds (PACT's L2 on alpha); undefined when there is none. */
  regularizationLoss?(): tf.Scalar | undefined;
  dispose(): void;
}

/**
 * Makes quantizers. `validate` checks a recipe's options (everything but `quantizer`) without a
 * point, so a recipe fails at load; `create` makes the quantizer for one point.
 */
export interface QuantizerPlugin<O = unknown> {
  readonly name: string;
  readonly description: string;
  validate(raw: Readonly<Record<string, unknown>>): O;
  create(options: O, point: QuantPoint): Quantizer;
}
