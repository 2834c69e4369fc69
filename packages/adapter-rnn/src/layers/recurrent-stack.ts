import * as tf from '@tensorflow/tfjs-core';
import { Module, isLoweredValue, passGrid, type LoweredValue, type LoweringContext, type NamedLoweredValues, type NamedTensors } from '@qatjs/core';
import { LayerError } from '@qatjs/layers';
import { resolveRecurrentOptions, type RecurrentOptions, type ResolvedRecurrentOptions } from './options.ts';
import type { LayerRun, LayerShape, RecurrentLayer } from './recurrent-layer.ts';

/** Initial states, each [numLayers · directions, batch, hidden] (PyTorch's layout); absent = zeros. */
export interface RecurrentState {
  readonly h?: tf.Tensor;
  readonly c?: tf.Tensor;
}

/** What LSTM and GRU return: the output and the final states [numLayers · directions, batch, hidden]. */
export interface RecurrentOutput extends NamedTensors {
  /** [batch, steps, D·hidden] with returnSequences, else [batch, D·hidden] (the final states of the last layer). */
  readonly output: tf.Tensor;
  readonly h: tf.Tensor;
}

/**
 * Stacked recurrent layers: children `0`, `1`, ... (one per stacked layer, both directions in each),
 * the kind of each child is the family ('LSTM', 'GRU'): recipes match `lstm.*`, `lstm.0` or the kind.
 */
export abstract class RecurrentStack<L extends RecurrentLayer, Out extends RecurrentOutput> extends Module<Out> {
  readonly options: ResolvedRecurrentOptions;
  readonly layers: readonly L[];

  constructor(o: RecurrentOptions, where: string, make: (shape: LayerShape) => L) {
    super();
    const r = resolveRecurrentOptions(o, where);
    this.options = r;
    const layers: L[] = [];
    for (let l = 0; l < r.numLayers; l++) {
      const shape = { inputSize: l === 0 ? r.inputSize : r.directions * r.hidden, hidden: r.hidden, directions: r.directions, maxSteps: r.maxSteps, seed: r.seed + 1000 * l };
      layers.push(this.registerModule(String(l), make(shape)));
    }
    this.layers = layers;
  }

  /** The state names this family carries ('h', and 'c' for the LSTM). */
  protected abstract readonly stateNames: readonly string[];

  /** Splits an initial state [L·D, B, H] into per-layer [D, B, H] slices. */
  protected splitState(state: RecurrentState | undefined): Array<Record<string, tf.Tensor | undefined>> {
    const r = this.options;
    if (state !== undefined && (state === null || typeof state !== 'object')) throw new LayerError(`${this.kind}: state must be an object { h?, c? }, got ${String(state)}`);
    const per = r.numLayers * r.directions;
    const out: Array<Record<string, tf.Tensor | undefined>> = Array.from({ length: r.numLayers }, () => ({}));
    for (const [name, s] of Object.entries(state ?? {})) {
      if (s === undefined) continue;
      if (!this.stateNames.includes(name)) throw new LayerError(`${this.kind}: unknown state '${name}' (states: ${this.stateNames.join(', ')})`);
      if (!(s instanceof tf.Tensor) || s.rank !== 3 || s.shape[0] !== per || s.shape[2] !== r.hidden) {
        const got = s instanceof tf.Tensor ? `[${s.shape}]` : typeof s;
        throw new LayerError(`${this.kind}: initial ${name} must be [${per}, batch, ${r.hidden}] (numLayers · directions, batch, hidden), got ${got}`);
      }
      const parts = r.numLayers === 1 ? [s] : tf.split(s, r.numLayers, 0);
      parts.forEach((p, l) => (out[l][name] = p));
    }
    return out;
  }

  /** Runs the layers in order; returns the last layer's run and every layer's final states. */
  protected runLayers(x: tf.Tensor, state: RecurrentState | undefined, run: (layer: L, x: tf.Tensor, s: Record<string, tf.Tensor | undefined>) => LayerRun): Record<string, tf.Tensor> {
    const perLayer = this.splitState(state);
    let input = x;
    const finals: Record<string, tf.Tensor[]> = Object.fromEntries(this.stateNames.map((n) => [n, []]));
    for (let l = 0; l < this.layers.length; l++) {
      const y = run(this.layers[l], input, perLayer[l]);
      for (const n of this.stateNames) finals[n].push(y[n] as tf.Tensor);
      input = y.output;
    }
    const lastH = finals.h[finals.h.length - 1];
    const r = this.options;
    // the final states of both directions of the last layer, [B, D·H] (Keras's bidirectional last state)
    const output = r.returnSequences ? input : passGrid(lastH, tf.reshape(tf.transpose(lastH, [1, 0, 2]), [lastH.shape[1] as number, r.directions * r.hidden]));
    const states = Object.fromEntries(this.stateNames.map((n) => [n, finals[n].length === 1 ? finals[n][0] : tf.concat(finals[n], 0)]));
    return { output, ...states };
  }

  /**
   * The layers' fused ops in order, each reading the previous one's output. Returns `output`; with
   * `lowerStates` also every layer's and direction's initial states as graph inputs (h0, c0: codes)
   * and final states as outputs (hT, cT: codes), named as RecurrentOptions.lowerStates says.
   * Without it the integer model starts from zero states.
   */
  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): NamedLoweredValues {
    if (inputs.length !== 1) ctx.fail(`${this.kind} lowers from one input (x), got ${inputs.length} inputs (with lowerStates it declares its initial states as graph inputs itself)`);
    const r = this.options;
    const count = r.numLayers * r.directions;
    const named = (base: string, k: number) => (count === 1 ? base : `${base}.${k}`);
    let v = inputs[0] as LoweredValue;
    let last: LoweredValue = v;
    const states: Record<string, LoweredValue> = {};
    this.layers.forEach((layer, l) => {
      const ks = Array.from({ length: r.directions }, (_, d) => l * r.directions + d);
      const cell = this.stateNames.includes('c');
      layer.stateNames = r.lowerStates
        ? { h0: ks.map((k) => named('h0', k)), hT: ks.map((k) => named('hT', k)), ...(cell ? { c0: ks.map((k) => named('c0', k)), cT: ks.map((k) => named('cT', k)) } : {}) }
        : undefined;
      let out: NamedLoweredValues | LoweredValue;
      try {
        out = ctx.lowerChild(String(l), layer as unknown as Module<NamedTensors>, [v]);
      } finally {
        layer.stateNames = undefined;
      }
      if (isLoweredValue(out) || !out.output || !out.last) ctx.fail(`layer ${l} lowered to no { output, last }`);
      v = out.output;
      last = out.last;
      if (r.lowerStates) {
        ks.forEach((k, d) => {
          states[named('hT', k)] = out[`hT${d}`] as LoweredValue;
          if (cell) states[named('cT', k)] = out[`cT${d}`] as LoweredValue;
        });
      }
    });
    return { output: r.returnSequences ? v : last, ...states };
  }
}
