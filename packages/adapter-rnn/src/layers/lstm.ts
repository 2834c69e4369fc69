import * as tf from '@tensorflow/tfjs-core';
import { LstmLayer } from './lstm-layer.ts';
import type { RecurrentOptions } from './options.ts';
import { RecurrentStack, type RecurrentOutput, type RecurrentState } from './recurrent-stack.ts';

export type LstmOptions = RecurrentOptions;

/** LSTM output: `output`, and the final hidden and cell states `h`, `c` [numLayers · directions, batch, hidden]. */
export interface LstmOutput extends RecurrentOutput {
  readonly c: tf.Tensor;
}

/**
 * A (stacked, optionally bidirectional) LSTM over x [batch, steps, inputSize], quantization-aware:
 * each stacked layer (child `0`, `1`, ..., kind 'LSTM') declares the points input, weight,
 * recurrentWeight, hidden, gates and cell, and simulates the integer lstm op.
 *
 * @example
 * const lstm = new LSTM({ inputSize: 28, hidden: 128 });
 * const { output, h, c } = lstm.forward(x, { h: h0, c: c0 });
 */
export class LSTM extends RecurrentStack<LstmLayer, LstmOutput> {
  readonly kind = 'LSTM';
  protected readonly stateNames = ['h', 'c'] as const;

  constructor(o: LstmOptions) {
    super(o, 'LSTM', (shape) => new LstmLayer(shape));
  }

  forward(x: tf.Tensor, state?: RecurrentState): LstmOutput {
    return tf.tidy(() => this.runLayers(x, state, (layer, input, s) => layer.forward(input, s.h, s.c))) as LstmOutput;
  }
}
