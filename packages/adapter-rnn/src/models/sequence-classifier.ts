import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, type LoweredValue, type LoweringContext, type NamedLoweredValues } from '@qatjs/core';
import { Dense, LayerError, positiveInt } from '@qatjs/layers';
import { GRU } from '../layers/gru.ts';
import { LSTM } from '../layers/lstm.ts';
import type { RecurrentOptions } from '../layers/options.ts';

export interface SequenceClassifierOptions extends Omit<RecurrentOptions, 'returnSequences'> {
  readonly cell: 'lstm' | 'gru';
  readonly classes: number;
}

/**
 * x [batch, steps, inputSize] -> LSTM or GRU (final states) -> Dense -> logits [batch, classes].
 * Paths: `rnn.0`, `rnn.1`, ... (the stacked layers) and `head`.
 */
export class SequenceClassifier extends Module {
  readonly kind = 'SequenceClassifier';
  readonly rnn: LSTM | GRU;
  readonly head: Dense;

  constructor(o: SequenceClassifierOptions) {
    super();
    const where = 'SequenceClassifier';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    const { cell, classes, ...rnn } = o;
    if (cell !== 'lstm' && cell !== 'gru') throw new LayerError(`${where}: cell must be 'lstm' or 'gru', got ${describeValue(cell)}`);
    positiveInt(classes, where, 'classes');
    const opts = { ...rnn, returnSequences: false };
    this.rnn = this.registerModule('rnn', cell === 'lstm' ? new LSTM(opts) : new GRU(opts));
    const r = this.rnn.options;
    this.head = this.registerModule('head', new Dense({ inFeatures: r.directions * r.hidden, units: classes, seed: r.seed + 99 }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.head.forward(this.rnn.forward(x).output));
  }

  /** The logits; with the rnn's lowerStates, `{ output: logits, hT, cT... }` (the states as graph inputs and outputs). */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue | NamedLoweredValues {
    const { output, ...states } = ctx.lowerChild('rnn', this.rnn, inputs);
    const logits = ctx.lowerChild('head', this.head, [output as LoweredValue]);
    return Object.keys(states).length === 0 ? logits : { output: logits, ...states };
  }
}

/** Row-sequential MNIST's model: 28 steps of 28 pixels, 10 classes. */
export function sequenceClassifier(o: SequenceClassifierOptions): SequenceClassifier {
  return new SequenceClassifier(o);
}
