// Random lstm / gru models for the runtime equivalence tests: realistic grids (hidden in [-1, 1],
// 16-bit gates over about [-8, 8], a power-of-two cell grid), random weights, biases and states.
import { ModelBuilder, makeQuant, packCodes, type IntModel, type QuantParams } from '@qatjs/ir';
import { rng } from '@qatjs/test-utils';

export interface RecurrentModelCase {
  readonly op: 'lstm' | 'gru';
  readonly inputSize: number;
  readonly hidden: number;
  readonly weights?: 'int8' | 'int4';
  readonly perChannel?: boolean;
  readonly perChannelGates?: boolean;
  readonly uint8?: boolean;
  readonly state?: boolean;
  readonly reverse?: boolean;
  readonly maxSteps?: number;
}

/** A model with inputs x [-1, -2, I] (and h0, c0 [-1, H] with state) and outputs y, hT (, cT). */
export function recurrentModel(c: RecurrentModelCase, seed: number): IntModel {
  const r = rng(seed);
  const G = c.op === 'lstm' ? 4 : 3;
  const [I, H] = [c.inputSize, c.hidden];
  const rows = G * H;
  const int4 = c.weights === 'int4';
  const q = int4 ? 7 : 127;
  const codes = (n: number) => Array.from({ length: n }, () => Math.round((2 * r() - 1) * q));
  const wq = (base: number): QuantParams => c.perChannel === false
    ? makeQuant({ scale: base, bits: int4 ? 4 : 8 })
    : makeQuant({ scale: Array.from({ length: rows }, () => base * (0.5 + r())), axis: 1, bits: int4 ? 4 : 8 });
  const b = new ModelBuilder();
  const xq = makeQuant({ scale: 0.04, zeroPoint: c.uint8 ? 128 : 0 });
  const hq = makeQuant({ scale: 1 / 127, zeroPoint: c.uint8 ? 127 : 0 });
  const hd = c.uint8 ? 'uint8' : 'int8';
  const cq = makeQuant({ scale: 2 ** -11, bits: 16 });
  const x = b.input('x', hd, [-1, -2, I], xq);
  const wQuant = wq(2 / (q * Math.sqrt(I)));
  const uQuant = wq(2 / (q * Math.sqrt(H)));
  const weight = (name: string, depth: number, quant: QuantParams) => {
    const v = codes(depth * rows);
    return b.constant({ name, dtype: int4 ? 'int4' : 'int8', shape: [depth, rows], quant, data: int4 ? packCodes('int4', v) : Int8Array.from(v) });
  };
  const w = weight('W', I, wQuant);
  const u = weight('U', H, uQuant);
  const bias = (name: string, sIn: number, wqp: QuantParams) => b.constant({
    name, dtype: 'int32', shape: [rows], data: Int32Array.from({ length: rows }, () => Math.round((2 * r() - 1) * 0.5 / Math.fround(sIn * wqp.scale[0]))),
    quant: { scale: Float32Array.from({ length: wqp.scale.length }, (_, n) => Math.fround(sIn * wqp.scale[n])), zeroPoint: new Int32Array(wqp.scale.length), bits: 32, ...(wqp.scale.length > 1 ? { axis: 0 } : {}) },
  });
  const gates = c.perChannelGates
    ? makeQuant({ scale: Array.from({ length: rows }, () => (8 / 32768) * (0.5 + r())), bits: 16, axis: 0 })
    : makeQuant({ scale: 8 / 32768, bits: 16 });
  const h0 = c.state ? b.input('h0', hd, [-1, H], hq) : undefined;
  const maxSteps = c.maxSteps ?? 64;
  if (c.op === 'lstm') {
    const c0 = c.state ? b.input('c0', 'int16', [-1, H], cq) : undefined;
    const out = b.lstm(x, w, u, { bias: bias('bias', xq.scale[0], wQuant), ...(h0 ? { h0 } : {}), ...(c0 ? { c0 } : {}), gates, reverse: c.reverse ?? false, maxSteps },
      { hidden: { dtype: hd, quant: hq }, cell: cq, names: { y: 'y', hT: 'hT', cT: 'cT' } });
    b.output(out.y, out.hT, out.cT);
  } else {
    const out = b.gru(x, w, u, { biasX: bias('biasX', xq.scale[0], wQuant), biasH: bias('biasH', hq.scale[0], uQuant), ...(h0 ? { h0 } : {}), inputGates: gates, recurrentGates: gates, reverse: c.reverse ?? false, maxSteps },
      { hidden: { dtype: hd, quant: hq }, names: { y: 'y', hT: 'hT' } });
    b.output(out.y, out.hT);
  }
  return b.build();
}

/** Random inputs for a recurrentModel: x [B, T, I] codes, and h0 / c0 when the model takes them. */
export function recurrentInputs(model: IntModel, batch: number, steps: number, seed: number) {
  const r = rng(seed);
  const decl = (n: string) => model.values.find((v) => v.name === n);
  const x = decl('x');
  if (!x) throw new Error('no x');
  const I = x.shape[2];
  const u8 = x.dtype === 'uint8';
  const codes = (n: number) => (u8 ? Uint8Array.from({ length: n }, () => Math.floor(r() * 256)) : Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128));
  const inputs: Record<string, { data: Int8Array | Uint8Array | Int16Array; shape: number[] }> = { x: { data: codes(batch * steps * I), shape: [batch, steps, I] } };
  const h0 = decl('h0');
  if (h0) inputs.h0 = { data: codes(batch * h0.shape[1]), shape: [batch, h0.shape[1]] };
  const c0 = decl('c0');
  if (c0) inputs.c0 = { data: Int16Array.from({ length: batch * c0.shape[1] }, () => Math.floor((2 * r() - 1) * 4000)), shape: [batch, c0.shape[1]] };
  return inputs;
}
