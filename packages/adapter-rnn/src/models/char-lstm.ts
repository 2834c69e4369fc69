import * as tf from '@tensorflow/tfjs-core';
import { Module, describeValue, type LoweredValue, type LoweringContext, type NamedLoweredValues } from '@qatjs/core';
import { Dense, Embedding, LayerError, positiveInt } from '@qatjs/layers';
import { LSTM, type LstmOutput } from '../layers/lstm.ts';
import type { RecurrentState } from '../layers/recurrent-stack.ts';

export interface CharLstmOptions {
  /** The vocabulary: its size, or its characters (a string or an array of single characters), which sampleText() needs. */
  readonly vocab: number | string | readonly string[];
  /** Embedding features per character. */
  readonly embed: number;
  /** LSTM hidden units. */
  readonly hidden: number;
  /** Stacked LSTM layers (default 1). */
  readonly layers?: number;
  /** The longest sequence (default 512). */
  readonly maxSteps?: number;
  readonly seed?: number;
  /** convert() lowers the LSTM states as graph inputs h0, c0 and outputs hT, cT (RecurrentOptions.lowerStates; default false). */
  readonly lowerStates?: boolean;
}

/**
 * A character-level language model: Embedding -> LSTM (every step) -> Dense head over the last axis,
 * token ids [batch, T] (int32) to logits [batch, T, vocab]. Paths `embedding`, `rnn.0`, ..., `head`.
 */
export class CharLstm extends Module {
  readonly kind = 'CharLstm';
  /** The characters, when the model was built with them (id i is characters[i]). */
  readonly characters: readonly string[] | undefined;
  readonly vocabSize: number;
  readonly embedding: Embedding;
  readonly rnn: LSTM;
  readonly head: Dense;

  constructor(o: CharLstmOptions) {
    super();
    const where = 'charLstm';
    if (o === null || typeof o !== 'object') throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
    if (typeof o.vocab === 'number') {
      this.vocabSize = positiveInt(o.vocab, where, 'vocab');
      this.characters = undefined;
    } else if (typeof o.vocab === 'string' || Array.isArray(o.vocab)) {
      const chars = typeof o.vocab === 'string' ? [...o.vocab] : [...(o.vocab as readonly string[])];
      if (chars.length === 0 || chars.some((c) => typeof c !== 'string' || [...c].length !== 1) || new Set(chars).size !== chars.length) {
        throw new LayerError(`${where}: vocab must be a size or distinct single characters, got ${describeValue(o.vocab)}`);
      }
      this.characters = chars;
      this.vocabSize = chars.length;
    } else throw new LayerError(`${where}: vocab must be a size or the characters, got ${describeValue(o.vocab)}`);
    const seed = o.seed ?? 1;
    const embed = positiveInt(o.embed, where, 'embed');
    const hidden = positiveInt(o.hidden, where, 'hidden');
    this.embedding = this.registerModule('embedding', new Embedding({ vocab: this.vocabSize, dim: embed, seed }));
    this.rnn = this.registerModule('rnn', new LSTM({ inputSize: embed, hidden, numLayers: o.layers ?? 1, ...(o.maxSteps === undefined ? {} : { maxSteps: o.maxSteps }), ...(o.lowerStates === undefined ? {} : { lowerStates: o.lowerStates }), seed: seed + 1 }));
    this.head = this.registerModule('head', new Dense({ inFeatures: hidden, units: this.vocabSize, rank: 3, seed: seed + 2 }));
  }

  /** Logits [batch, T, vocab] of the next character at every position. */
  forward(tokens: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.head.forward(this.rnn.forward(this.embedding.forward(tokens)).output));
  }

  /** Logits and the final LSTM states, from initial states (sampling continues a sequence with them). */
  step(tokens: tf.Tensor, state?: RecurrentState): { logits: tf.Tensor; state: { h: tf.Tensor; c: tf.Tensor } } {
    return tf.tidy(() => {
      const out: LstmOutput = this.rnn.forward(this.embedding.forward(tokens), state);
      return { logits: this.head.forward(out.output), state: { h: out.h, c: out.c } };
    });
  }

  /** The logits; with lowerStates, `{ output: logits, hT, cT... }` (the LSTM states as graph inputs and outputs). */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue | NamedLoweredValues {
    const e = ctx.lowerChild('embedding', this.embedding, inputs);
    const { output, ...states } = ctx.lowerChild('rnn', this.rnn, [e]);
    const logits = ctx.lowerChild('head', this.head, [output as LoweredValue]);
    return Object.keys(states).length === 0 ? logits : { output: logits, ...states };
  }
}

/** Embedding -> LSTM -> Dense head: a character-level language model (see CharLstm). */
export function charLstm(o: CharLstmOptions): CharLstm {
  return new CharLstm(o);
}
