// Seeded random recurrent IntModels for the runtime = reference checks (runtime-equivalence.test.ts):
// an embedding of token ids or a quantized float input, then one or two recurrent layers (lstm or
// gru, one direction or both joined by concat), with random weight dtypes (int8 / int4, per-tensor
// or per-row), gate grids (8..16 bits, per-tensor or per-row), biases present or not, reverse, and
// initial states given as graph inputs or not; outputs every step's hidden codes, the final states
// (cT int16) and a gemm head on the last hidden state. Grids are realistic (hidden in [-1, 1], the
// gates over about [-8, 8], a power-of-two cell grid), so the codes vary rather than saturate.
import { ModelBuilder, biasQuant, makeQuant, packCodes, type IntModel, type QuantParams } from '@qatjs/ir';
import { Rand } from '../reference/random.ts';

type Hidden = { dtype: 'int8' | 'uint8'; quant: QuantParams };

export function randomRecurrentModel(seed: number): IntModel {
  const r = new Rand(seed);
  const b = new ModelBuilder({ metadata: { producer: 'backend-wasm-test', seed: String(seed) } });
  let n = 0;
  const name = (p: string) => `${p}${n++}`;
  const maxSteps = 12;

  const grid = (): Hidden => {
    const dtype = r.pick(['int8', 'uint8'] as const);
    const zp = dtype === 'int8' ? r.int(-8, 8) : r.int(120, 135);
    return { dtype, quant: makeQuant({ scale: (1 / 127) * (0.8 + 0.4 * r.next()), zeroPoint: zp }) };
  };
  const weight = (rows: number, cols: number): { name: string; quant: QuantParams } => {
    const dtype = r.pick(['int8', 'int4'] as const);
    const bits = dtype === 'int8' ? 8 : 4;
    const top = 2 ** (bits - 1) - 1;
    const codes = Array.from({ length: rows * cols }, () => r.int(-top, top));
    const base = 2 / (top * Math.sqrt(rows));
    const quant = r.next() < 0.6 ? makeQuant({ scale: Array.from({ length: cols }, () => base * (0.5 + r.next())), bits, axis: 1 }) : makeQuant({ scale: base, bits });
    return { name: b.constant({ name: name('w'), dtype, shape: [rows, cols], quant, data: dtype === 'int8' ? Int8Array.from(codes) : packCodes(dtype, codes) }), quant };
  };
  const bias = (rows: number, input: QuantParams, w: QuantParams) => {
    const quant = biasQuant(input, w, rows);
    const data = Int32Array.from({ length: rows }, (_, i) => Math.round((2 * r.next() - 1) * 0.5 / quant.scale[quant.scale.length === 1 ? 0 : i]));
    return b.constant({ name: name('b'), dtype: 'int32', shape: [rows], quant, data });
  };
  const gates = (rows: number): QuantParams => {
    const bits = r.pick([8, 12, 16]);
    const scale = 8 / 2 ** (bits - 1);
    return r.next() < 0.5 ? makeQuant({ scale: Array.from({ length: rows }, () => scale * (0.5 + r.next())), bits, axis: 0 }) : makeQuant({ scale, bits });
  };

  // the sequence: token ids through an embedding, or float32 features quantized
  let x: string;
  if (r.next() < 0.5) {
    const [vocab, dim] = [r.int(5, 20), r.int(3, 9)];
    const tokens = b.input('tokens', 'int32', [-1, -2]);
    const tdtype = r.pick(['int8', 'int4', 'int2'] as const);
    const bits = tdtype === 'int8' ? 8 : tdtype === 'int4' ? 4 : 2;
    const top = 2 ** (bits - 1) - 1;
    const codes = Array.from({ length: vocab * dim }, () => r.int(-top - 1, top));
    const tq = r.next() < 0.5 ? makeQuant({ scale: Array.from({ length: vocab }, () => (1.5 / top) * (0.5 + r.next())), bits, axis: 0 }) : makeQuant({ scale: 1.5 / top, bits });
    const table = b.constant({ name: 'table', dtype: tdtype, shape: [vocab, dim], quant: tq, data: tdtype === 'int8' ? Int8Array.from(codes) : packCodes(tdtype, codes) });
    x = b.embedding(tokens, table, { name: name('v'), dtype: 'int8', quant: makeQuant({ scale: 0.012 * (0.8 + 0.4 * r.next()), zeroPoint: r.int(-5, 5) }) });
  } else {
    const features = r.int(3, 9);
    const raw = b.input('features', 'float32', [-1, -2, features]);
    const dtype = r.pick(['int8', 'uint8'] as const);
    x = b.quantize(raw, { name: name('v'), dtype, quant: makeQuant({ scale: 0.03 * (0.8 + 0.4 * r.next()), zeroPoint: dtype === 'int8' ? r.int(-10, 10) : r.int(118, 138) }) });
  }

  const outputs: string[] = [];
  let last = '';
  const layers = r.int(1, 2);
  for (let l = 0; l < layers; l++) {
    const op = r.pick(['lstm', 'gru'] as const);
    const G = op === 'lstm' ? 4 : 3;
    const H = r.int(3, 10);
    const rows = G * H;
    const inputSize = b.info(x).shape[2];
    const xq = b.info(x).quant as QuantParams;
    const hidden = grid();
    const cell = makeQuant({ scale: 2 ** -r.int(9, 12), bits: 16 });
    const directions = r.next() < 0.4 ? 2 : 1;
    const ys: string[] = [];
    const hs: string[] = [];
    for (let d = 0; d < directions; d++) {
      const w = weight(inputSize, rows);
      const u = weight(H, rows);
      const state = r.next() < 0.35;
      const h0 = state ? b.input(name('h0_'), hidden.dtype, [-1, H], hidden.quant) : undefined;
      const names = { y: name('y'), hT: name('hT') };
      if (op === 'lstm') {
        const c0 = state && r.next() < 0.7 ? b.input(name('c0_'), 'int16', [-1, H], cell) : undefined;
        const withBias = state || r.next() < 0.8;
        const out = b.lstm(x, w.name, u.name, { ...(withBias ? { bias: bias(rows, xq, w.quant) } : {}), ...(h0 ? { h0 } : {}), ...(c0 ? { c0 } : {}), gates: gates(rows), reverse: d === 1, maxSteps },
          { hidden, cell, names: { ...names, cT: name('cT') } });
        ys.push(out.y);
        hs.push(out.hT);
        outputs.push(out.cT);
      } else {
        const both = r.next() < 0.8;
        const out = b.gru(x, w.name, u.name, { ...(both ? { biasX: bias(rows, xq, w.quant), biasH: bias(rows, hidden.quant, u.quant) } : {}), ...(h0 ? { h0 } : {}), inputGates: gates(rows), recurrentGates: gates(rows), reverse: d === 1, maxSteps },
          { hidden, names });
        ys.push(out.y);
        hs.push(out.hT);
      }
    }
    x = ys.length === 1 ? ys[0] : b.concat(ys, 2, { name: name('v') });
    last = hs.length === 1 ? hs[0] : b.concat(hs, 1, { name: name('v') });
  }
  // a dense head on the last hidden state (int8 gemm; a uint8 state is requantized onto int8 first)
  const lastInfo = b.info(last);
  const lq = lastInfo.quant as QuantParams;
  const int8Grid = makeQuant({ scale: lq.scale[0], zeroPoint: lq.zeroPoint[0] - 128 }); // the same reals as the uint8 grid
  const head = lastInfo.dtype === 'int8' ? last : b.quantize(b.dequantize(last, { name: name('v') }), { name: name('v'), dtype: 'int8', quant: int8Grid });
  const headQuant = lastInfo.dtype === 'int8' ? lq : int8Grid;
  const dq = weight(lastInfo.shape[1], 5);
  const logits = b.gemm(head, dq.name, { bias: bias(5, headQuant, dq.quant) }, { name: name('v'), dtype: 'int8', quant: makeQuant({ scale: 0.05, zeroPoint: r.int(-4, 4) }) });
  b.output(x, last, ...outputs, b.dequantize(logits, { name: 'logits' }));
  return b.build();
}

/** Random inputs for randomRecurrentModel: token ids or features [batch, steps, ...], and any states it takes. */
export function randomRecurrentInputs(model: IntModel, batch: number, steps: number, r: Rand): Record<string, { data: Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array; shape: number[] }> {
  const inputs: Record<string, { data: Float32Array | Int32Array | Int8Array | Uint8Array | Int16Array; shape: number[] }> = {};
  for (const name of model.inputs) {
    const decl = model.values.find((v) => v.name === name);
    if (!decl) throw new Error(`no input ${name}`);
    if (name === 'tokens') {
      const vocab = model.constants.find((c) => c.name === 'table')?.shape[0] as number;
      inputs[name] = { data: Int32Array.from({ length: batch * steps }, () => r.int(0, vocab - 1)), shape: [batch, steps] };
    } else if (name === 'features') {
      const f = decl.shape[2];
      inputs[name] = { data: Float32Array.from({ length: batch * steps * f }, () => (r.next() - 0.4) * 6), shape: [batch, steps, f] };
    } else {
      const h = decl.shape[1];
      const count = batch * h;
      inputs[name] = {
        data: decl.dtype === 'int16'
          ? Int16Array.from({ length: count }, () => r.int(-3000, 3000))
          : decl.dtype === 'uint8' ? Uint8Array.from({ length: count }, () => r.int(60, 200)) : Int8Array.from({ length: count }, () => r.int(-70, 70)),
        shape: [batch, h],
      };
    }
  }
  return inputs;
}
