// The state inputs of an integer model converted with lowerStates (RecurrentOptions.lowerStates).
import type { IntModel } from '@qatjs/ir';
import { LayerError } from '@qatjs/layers';

/** A graph input: codes and their shape [batch, hidden]. */
export interface StateInput {
  readonly data: Int8Array | Int16Array;
  readonly shape: number[];
}

const STATE_INPUT = /^[hc]0(\.\d+)?$/;

/**
 * The zero state for every state input of a model converted with `lowerStates` (h0, c0, or h0.k,
 * c0.k): hidden codes all equal to the hidden grid's zero point (the real value 0), cell codes 0, for
 * `batch` sequences. A run from them is a run from zero states, as the training model's default.
 *
 * @example
 * let states = zeroStates(intModel, 1);
 * const out = session.run({ x, ...states });
 * states = { h0: { data: out.hT, shape: [1, hidden] }, c0: { data: out.cT, shape: [1, hidden] } };
 */
export function zeroStates(model: IntModel, batch: number): Record<string, StateInput> {
  if (!Number.isInteger(batch) || batch < 1) throw new LayerError(`zeroStates: batch must be an integer >= 1, got ${String(batch)}`);
  const out: Record<string, StateInput> = {};
  for (const name of model.inputs) {
    if (!STATE_INPUT.test(name)) continue;
    const decl = model.values.find((v) => v.name === name);
    if (!decl || (decl.dtype !== 'int8' && decl.dtype !== 'int16') || decl.shape.length !== 2) continue;
    const hidden = decl.shape[1];
    const data = decl.dtype === 'int8' ? new Int8Array(batch * hidden).fill(decl.quant?.zeroPoint[0] ?? 0) : new Int16Array(batch * hidden);
    out[name] = { data, shape: [batch, hidden] };
  }
  if (Object.keys(out).length === 0) throw new LayerError('zeroStates: the model has no state inputs (convert a model whose LSTM or GRU has lowerStates: true)');
  return out;
}
