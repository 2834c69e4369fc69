// Random small lstm / gru cases, and an independent re-derivation of their step formulas
// (docs of ops/lstm.ts and ops/gru.ts): per element, float64 arithmetic rounded to float32 after every
// operation, sigmoid and tanh as the float64 functions rounded once. Written from the schema
// comments, not from src/reference.
import { refRoundHalfEven } from '@qatjs/test-utils/reference';
import { rng } from '@qatjs/test-utils';
import { ModelBuilder, makeQuant, packCodes, type IntModel, type QuantParams } from '@qatjs/ir';

const f32 = Math.fround;
const sigmoid = (v: number) => f32(1 / (1 + Math.exp(-v)));
const tanh = (v: number) => f32(Math.tanh(v));
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export interface RecurrentCase {
  readonly op: 'lstm' | 'gru';
  readonly batch: number;
  readonly steps: number;
  readonly inputSize: number;
  readonly hidden: number;
  readonly weights: 'int8' | 'int4';
  readonly perChannel: boolean;
  readonly perChannelGates: boolean;
  readonly xDtype: 'int8' | 'uint8';
  readonly hDtype: 'int8' | 'uint8';
  readonly withBias: boolean;
  readonly withState: boolean;
  readonly reverse: boolean;
  readonly dynamicSteps: boolean;
  readonly gateBits: number;
}

export interface Built {
  readonly model: IntModel;
  readonly inputs: Record<string, { data: Int8Array | Uint8Array | Int16Array; shape: number[] }>;
  /** Plain numbers for the re-derivation. */
  readonly x: number[]; readonly W: number[][]; readonly U: number[][];
  readonly sW: number[]; readonly sU: number[]; readonly bias: number[]; readonly biasH: number[];
  readonly h0: number[]; readonly c0: number[];
  readonly sx: number; readonly zx: number; readonly sh: number; readonly zh: number; readonly hLo: number; readonly hHi: number;
  readonly sg: number[]; readonly sg2: number[]; readonly sc: number;
}

function ints(r: () => number, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

function scales(r: () => number, n: number, base: number): number[] {
  return Array.from({ length: n }, () => f32(base * (0.5 + r())));
}

/** A random case: weights, biases, grids and inputs, as an IR model and as plain numbers. */
export function buildCase(c: RecurrentCase, seed: number): Built {
  const r = rng(seed);
  const G = c.op === 'lstm' ? 4 : 3;
  const [B, T, I, H] = [c.batch, c.steps, c.inputSize, c.hidden];
  const rows = G * H;
  const wr = c.weights === 'int8' ? [-127, 127] : [-8, 7];
  const W = Array.from({ length: I }, () => ints(r, rows, wr[0], wr[1]));
  const U = Array.from({ length: H }, () => ints(r, rows, wr[0], wr[1]));
  const wBase = c.weights === 'int8' ? 0.5 / 127 : 0.5 / 7;
  const sW = c.perChannel ? scales(r, rows, wBase) : [f32(wBase)];
  const sU = c.perChannel ? scales(r, rows, wBase) : [f32(wBase * 0.8)];
  const [sx, zx] = [f32(0.03 + 0.02 * r()), c.xDtype === 'uint8' ? 120 : -3];
  const [sh, zh] = c.hDtype === 'uint8' ? [f32(2 / 255), 128] : [f32(1 / 127 + 0.001 * r()), 2];
  const [hLo, hHi] = c.hDtype === 'uint8' ? [0, 255] : [-128, 127];
  const gBase = 8 / 2 ** (c.gateBits - 1);
  const sg = c.perChannelGates ? scales(r, rows, gBase) : [f32(gBase)];
  const sg2 = c.perChannelGates ? scales(r, rows, gBase * 0.7) : [f32(gBase * 0.7)];
  const sc = 2 ** -11;
  const xs = ints(r, B * T * I, c.xDtype === 'uint8' ? 0 : -128, c.xDtype === 'uint8' ? 255 : 127);
  const bias = c.withBias ? ints(r, rows, -2000, 2000) : new Array<number>(rows).fill(0);
  const biasH = c.withBias ? ints(r, rows, -2000, 2000) : new Array<number>(rows).fill(0);
  const h0 = c.withState ? ints(r, B * H, hLo, hHi) : new Array<number>(B * H).fill(zh);
  const c0 = c.withState ? ints(r, B * H, -8000, 8000) : new Array<number>(B * H).fill(0);

  const b = new ModelBuilder();
  const xq = makeQuant({ scale: sx, zeroPoint: zx });
  const hq = makeQuant({ scale: sh, zeroPoint: zh });
  const cq = makeQuant({ scale: sc, bits: 16 });
  const batchDim = c.dynamicSteps ? -1 : B;
  const x = b.input('x', c.xDtype, [batchDim, c.dynamicSteps ? -2 : T, I], xq);
  const wQuant = (s: number[], bits: number): QuantParams => makeQuant({ scale: s, bits, ...(s.length > 1 ? { axis: 1 } : {}) });
  const bits = c.weights === 'int8' ? 8 : 4;
  const flat = (m: number[][]) => m.flat();
  const constant = (name: string, m: number[][], s: number[]) => b.constant({
    name, dtype: c.weights, shape: [m.length, rows], quant: wQuant(s, bits),
    data: c.weights === 'int8' ? Int8Array.from(flat(m)) : packCodes('int4', flat(m)),
  });
  const w = constant('W', W, sW);
  const u = constant('U', U, sU);
  const biasConst = (name: string, values: number[], sIn: number, s: number[]) => b.constant({
    name, dtype: 'int32', shape: [rows], data: Int32Array.from(values),
    quant: { scale: Float32Array.from({ length: s.length === 1 ? 1 : rows }, (_, n) => f32(sIn * s[n])), zeroPoint: new Int32Array(s.length === 1 ? 1 : rows), bits: 32, ...(s.length > 1 ? { axis: 0 } : {}) },
  });
  const inputs: Built['inputs'] = { x: { data: c.xDtype === 'uint8' ? Uint8Array.from(xs) : Int8Array.from(xs), shape: [B, T, I] } };
  let h0Name: string | undefined;
  let c0Name: string | undefined;
  if (c.withState) {
    h0Name = b.input('h0', c.hDtype, [batchDim, H], hq);
    inputs.h0 = { data: c.hDtype === 'uint8' ? Uint8Array.from(h0) : Int8Array.from(h0), shape: [B, H] };
    if (c.op === 'lstm') {
      c0Name = b.input('c0', 'int16', [batchDim, H], cq);
      inputs.c0 = { data: Int16Array.from(c0), shape: [B, H] };
    }
  }
  const gq = (s: number[]) => makeQuant({ scale: s, bits: c.gateBits, ...(s.length > 1 ? { axis: 0 } : {}) });
  const maxSteps = c.dynamicSteps ? 16 : T;
  if (c.op === 'lstm') {
    const bname = c.withBias ? biasConst('bias', bias, sx, sW) : undefined;
    const out = b.lstm(x, w, u, { ...(bname ? { bias: bname } : {}), ...(h0Name ? { h0: h0Name } : {}), ...(c0Name ? { c0: c0Name } : {}), gates: gq(sg), reverse: c.reverse, maxSteps },
      { hidden: { dtype: c.hDtype, quant: hq }, cell: cq, names: { y: 'y', hT: 'hT', cT: 'cT' } });
    b.output(out.y, out.hT, out.cT);
  } else {
    const bx = c.withBias ? biasConst('biasX', bias, sx, sW) : undefined;
    const bh = c.withBias ? biasConst('biasH', biasH, sh, sU) : undefined;
    const out = b.gru(x, w, u, { ...(bx ? { biasX: bx } : {}), ...(bh ? { biasH: bh } : {}), ...(h0Name ? { h0: h0Name } : {}), inputGates: gq(sg), recurrentGates: gq(sg2), reverse: c.reverse, maxSteps },
      { hidden: { dtype: c.hDtype, quant: hq }, names: { y: 'y', hT: 'hT' } });
    b.output(out.y, out.hT);
  }
  return { model: b.build(), inputs, x: xs, W, U, sW, sU, bias, biasH, h0, c0, sx, zx, sh, zh, hLo, hHi, sg, sg2, sc };
}

const pick = (s: number[], n: number) => s[s.length === 1 ? 0 : n];

/** The lstm of ops/lstm.ts, re-derived: returns y, hT, cT codes. */
export function deriveLstm(c: RecurrentCase, k: Built): { y: number[]; hT: number[]; cT: number[] } {
  const [B, T, I, H] = [c.batch, c.steps, c.inputSize, c.hidden];
  const gLo = -(2 ** (c.gateBits - 1));
  const gHi = 2 ** (c.gateBits - 1) - 1;
  const y = new Array<number>(B * T * H).fill(0);
  const hT: number[] = [];
  const cT: number[] = [];
  for (let b = 0; b < B; b++) {
    let h = k.h0.slice(b * H, b * H + H);
    let cell = k.c0.slice(b * H, b * H + H);
    const order = Array.from({ length: T }, (_, s) => (c.reverse ? T - 1 - s : s));
    for (const t of order) {
      // pre-activation of gate `gate` (0 i, 1 f, 2 g, 3 o) of unit j
      const v = (gate: number, j: number): number => {
        const n = gate * H + j;
        let ax = k.bias[n];
        for (let i = 0; i < I; i++) ax += (k.x[(b * T + t) * I + i] - k.zx) * k.W[i][n];
        let ah = 0;
        for (let i = 0; i < H; i++) ah += (h[i] - k.zh) * k.U[i][n];
        const mx = f32((k.sx * pick(k.sW, n)) / pick(k.sg, n));
        const mh = f32((k.sh * pick(k.sU, n)) / pick(k.sg, n));
        const g = clamp(refRoundHalfEven(f32(f32(f32(ax) * mx) + f32(f32(ah) * mh))), gLo, gHi);
        return f32(g * pick(k.sg, n));
      };
      const nextH: number[] = [];
      const nextC: number[] = [];
      for (let j = 0; j < H; j++) {
        const [ig, fg, gg, og] = [sigmoid(v(0, j)), sigmoid(v(1, j)), tanh(v(2, j)), sigmoid(v(3, j))];
        const cReal = f32(f32(fg * f32(cell[j] * k.sc)) + f32(ig * gg));
        const cc = clamp(refRoundHalfEven(f32(cReal / k.sc)), -32768, 32767);
        const hReal = f32(og * tanh(f32(cc * k.sc)));
        nextC.push(cc);
        nextH.push(clamp(refRoundHalfEven(f32(hReal / k.sh)) + k.zh, k.hLo, k.hHi));
      }
      h = nextH;
      cell = nextC;
      for (let j = 0; j < H; j++) y[(b * T + t) * H + j] = h[j];
    }
    hT.push(...h);
    cT.push(...cell);
  }
  return { y, hT, cT };
}

/** The gru of ops/gru.ts, re-derived: returns y and hT codes. */
export function deriveGru(c: RecurrentCase, k: Built): { y: number[]; hT: number[] } {
  const [B, T, I, H] = [c.batch, c.steps, c.inputSize, c.hidden];
  const gLo = -(2 ** (c.gateBits - 1));
  const gHi = 2 ** (c.gateBits - 1) - 1;
  const y = new Array<number>(B * T * H).fill(0);
  const hT: number[] = [];
  for (let b = 0; b < B; b++) {
    let h = k.h0.slice(b * H, b * H + H);
    for (let s = 0; s < T; s++) {
      const t = c.reverse ? T - 1 - s : s;
      const px = (gate: number, j: number): number => {
        const n = gate * H + j;
        let ax = k.bias[n];
        for (let i = 0; i < I; i++) ax += (k.x[(b * T + t) * I + i] - k.zx) * k.W[i][n];
        const m = f32((k.sx * pick(k.sW, n)) / pick(k.sg, n));
        return f32(clamp(refRoundHalfEven(f32(f32(ax) * m)), gLo, gHi) * pick(k.sg, n));
      };
      const ph = (gate: number, j: number): number => {
        const n = gate * H + j;
        let ah = k.biasH[n];
        for (let i = 0; i < H; i++) ah += (h[i] - k.zh) * k.U[i][n];
        const m = f32((k.sh * pick(k.sU, n)) / pick(k.sg2, n));
        return f32(clamp(refRoundHalfEven(f32(f32(ah) * m)), gLo, gHi) * pick(k.sg2, n));
      };
      const next: number[] = [];
      for (let j = 0; j < H; j++) {
        const z = sigmoid(f32(px(0, j) + ph(0, j)));
        const rr = sigmoid(f32(px(1, j) + ph(1, j)));
        const nn = tanh(f32(px(2, j) + f32(rr * ph(2, j))));
        const hReal = f32(f32(f32(1 - z) * nn) + f32(f32(z * (h[j] - k.zh)) * k.sh));
        next.push(clamp(refRoundHalfEven(f32(hReal / k.sh)) + k.zh, k.hLo, k.hHi));
      }
      h = next;
      for (let j = 0; j < H; j++) y[(b * T + t) * H + j] = h[j];
    }
    hT.push(...h);
  }
  return { y, hT };
}
