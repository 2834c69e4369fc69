import { describeValue } from '@qatjs/core';
import { LayerError, checkSeed, positiveInt } from '@qatjs/layers';

/** Options shared by LSTM and GRU. */
export interface RecurrentOptions {
  /** Features of each step's input (the last axis of x [batch, steps, inputSize]). */
  readonly inputSize: number;
  /** Hidden units per direction. */
  readonly hidden: number;
  /** Stacked layers, each reading the previous one's output sequence (default 1). */
  readonly numLayers?: number;
  /** A second direction reading the sequence backwards; outputs are [forward | backward] (default false). */
  readonly bidirectional?: boolean;
  /** Return every step's output [batch, steps, D·hidden] (true, default) or the last step's [batch, D·hidden]. */
  readonly returnSequences?: boolean;
  /** The longest sequence the layer accepts (default 512); the integer model refuses longer ones too. */
  readonly maxSteps?: number;
  /** Seed of the initialization (default 1). */
  readonly seed?: number;
  /**
   * convert() lowers the states too (default false: the integer model starts from zero states and
   * returns the output only): graph inputs `h0` (int8 codes on the hidden grid) and, for the LSTM,
   * `c0` (int16 codes on the cell grid), outputs `hT` and `cT` (codes, never dequantized), one per
   * layer and direction, suffixed `.k` (k = layer · directions + direction, PyTorch's state order)
   * when there are several. A run's hT and cT are the next run's h0 and c0.
   */
  readonly lowerStates?: boolean;
}

export interface ResolvedRecurrentOptions {
  readonly inputSize: number;
  readonly hidden: number;
  readonly numLayers: number;
  readonly directions: 1 | 2;
  readonly returnSequences: boolean;
  readonly maxSteps: number;
  readonly seed: number;
  readonly lowerStates: boolean;
}

const KNOWN = ['inputSize', 'hidden', 'numLayers', 'bidirectional', 'returnSequences', 'maxSteps', 'seed', 'lowerStates'];

function optionalBoolean(v: unknown, where: string, name: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new LayerError(`${where}: ${name} must be a boolean, got ${describeValue(v)}`);
  return v;
}

/** Validates LSTM/GRU options; every error names the layer and the option. */
export function resolveRecurrentOptions(o: RecurrentOptions, where: string): ResolvedRecurrentOptions {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new LayerError(`${where}: options must be an object, got ${describeValue(o)}`);
  for (const k of Object.keys(o)) if (!KNOWN.includes(k)) throw new LayerError(`${where}: unknown option '${k}' (known: ${KNOWN.join(', ')})`);
  if (o.hidden === 0) throw new LayerError(`${where}: hidden must be an integer >= 1 (hidden units per direction), got 0`);
  return {
    inputSize: positiveInt(o.inputSize, where, 'inputSize'),
    hidden: positiveInt(o.hidden, where, 'hidden'),
    numLayers: o.numLayers === undefined ? 1 : positiveInt(o.numLayers, where, 'numLayers'),
    directions: optionalBoolean(o.bidirectional, where, 'bidirectional', false) ? 2 : 1,
    returnSequences: optionalBoolean(o.returnSequences, where, 'returnSequences', true),
    maxSteps: o.maxSteps === undefined ? 512 : positiveInt(o.maxSteps, where, 'maxSteps'),
    seed: checkSeed(o.seed, where),
    lowerStates: optionalBoolean(o.lowerStates, where, 'lowerStates', false),
  };
}
