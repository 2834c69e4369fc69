import * as tf from '@tensorflow/tfjs-core';
import { GruLayer } from './gru-layer.ts';
import type { RecurrentOptions } from './options.ts';
import { RecurrentStack, type RecurrentOutput, type RecurrentState } from './recurrent-stack.ts';

export type GruOptions = RecurrentOptions;

/**
 * A (stacked, optionally bidirectional) GRU over x [batch, steps, inputSize], "reset after"
 * (PyTorch's and Keras v2's GRU), quantization-aware: each stacked layer (child `0`, `1`, ..., kind
 * 'GRU') declares the points input, weight, recurrentWeight, hidden, inputGates and recurrentGates.
 *
 * @example
 * const gru = new GRU({ inputSize: 28, hidden: 128, returnSequences: false });
 * const { output, h } = gru.forward(x);
 */
export class GRU extends RecurrentStack<GruLayer, RecurrentOutput> {
  readonly kind = 'GRU';
  protected readonly stateNames = ['h'] as const;

  constructor(o: GruOptions) {
    super(o, 'GRU', (shape) => new GruLayer(shape));
  }

  forward(x: tf.Tensor, state?: RecurrentState): RecurrentOutput {
    return tf.tidy(() => this.runLayers(x, state, (layer, input, s) => layer.forward(input, s.h))) as RecurrentOutput;
  }
}
