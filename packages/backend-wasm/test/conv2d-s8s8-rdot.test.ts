// The fused relaxed conv kernel (conv2d_s8s8_nhwc_rdot: the window gathered straight into the relaxed
// A layout, chunk by chunk) against the scalar reference and the plain SIMD128 kernel
// (conv2d_s8s8_nhwc_dot16), bit for bit: int4 weights take rdot, narrow int8 weights rdot2. On Deno
// and Bun the known-answer check passes and the kernel runs; on Node 20 relaxed SIMD does not
// validate, so the same ops run dot16 (the test says so) and the comparisons still hold.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, packLowBit, type WasmKernels } from '@qatjs/backend-wasm';
import { mult, refAxis, refConv2dAcc, refRequantRows, type Win } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';
// the plain SIMD128 kernels and the relaxed ones (plain too where the runtime fails the check)
const K: { plain?: WasmKernels; relaxed?: WasmKernels } = {};
beforeAll(async () => {
  [K.plain, K.relaxed] = await Promise.all([createKernels({ relaxedSimd: false }), createKernels({ relaxedSimd: true })]);
});

type Pads = 'same' | 'valid' | [[number, number], [number, number]];

interface Case {
  /** [n, h, w, cin] */
  x: [number, number, number, number];
  /** [kh, kw, cin / groups, cout] */
  f: [number, number, number, number];
  s?: [number, number];
  d?: [number, number];
  pads: Pads;
  groups?: number;
  /** which packing of the kernel the case takes (fused runs, small rows in registers, gathered, direct from x) */
  why: string;
}

/** The reference's window for a case. */
function windowOf(c: Case): Win {
  const [, h, w] = c.x;
  const [kh, kw] = c.f;
  const [sh, sw] = c.s ?? [1, 1];
  const [dh, dw] = c.d ?? [1, 1];
  const axis = (size: number, k: number, s: number, d: number, i: number): [number, number] => {
    if (typeof c.pads === 'string') return refAxis(size, k, s, d, c.pads);
    const [before, after] = c.pads[i];
    return [Math.floor((size + before + after - ((k - 1) * d + 1)) / s) + 1, before];
  };
  const [oh, padTop] = axis(h, kh, sh, dh, 0);
  const [ow, padLeft] = axis(w, kw, sw, dw, 1);
  return { kh, kw, sh, sw, dh, dw, padTop, padLeft, oh, ow };
}

/** Runs one spec on a kernels instance: its path and both outputs. */
function runOn(K: WasmKernels, spec: Parameters<WasmKernels['createConv2d']>[0], xs: Case['x'], xv: Int8Array) {
  const op = K.createConv2d(spec);
  const shape = op.outputShape(xs);
  const x = K.tensor('int8', xs, xv);
  const y = spec.output === 'int32' ? K.tensor('int32', shape) : K.tensor('int8', shape);
  op.run(x, y);
  const out = { path: op.path, y: [...y.read()] };
  for (const t of [op, x, y]) t.dispose();
  return out;
}

function check(c: Case, weights: 'w4' | 'w8', seed: number): void {
  const r = new Rand(seed);
  const [n, h, w, cin] = c.x;
  const cout = c.f[3];
  const groups = c.groups ?? 1;
  const count = c.f.reduce((a, b) => a * b, 1);
  // int4 codes (every w - zp in [-64, 63]: rdot); narrow int8 (each column spans 254 codes: rdot2)
  const fv = weights === 'w4' ? r.int8s(count, -8, 7) : r.int8s(count, -127, 127);
  const filter = weights === 'w4' ? { bits: 4 as const, data: packLowBit(fv, 4) } : fv;
  const zpw = Int32Array.from({ length: cout }, () => r.int(-7, 7));
  const xv = r.int8s(n * h * w * cin);
  const zpx = r.pick([-128, 127, 0, r.int(-128, 127)]);
  const bias = Int32Array.from({ length: cout }, () => r.int(-30000, 30000));
  const sw = Float64Array.from({ length: cout }, () => 0.005 + 0.01 * r.next());
  const k = c.f[0] * c.f[1] * c.f[2];
  const input = { scale: 0.03, zeroPoint: zpx };
  const output = { scale: 0.03 * 0.01 * Math.sqrt(k) * 60, zeroPoint: r.int(-20, 20) };
  const padding = c.pads;
  const spec = { filterShape: c.f, filter, strides: c.s ?? [1, 1], dilations: c.d ?? [1, 1], padding, groups, bias, input, weight: { scale: sw, zeroPoint: zpw } };
  const spec8 = { ...spec, output, clamp: { min: -120, max: 125 } };
  const spec32 = { ...spec, output: 'int32' as const };
  const acc = refConv2dAcc(xv, c.x, fv, cout, windowOf(c), zpx, zpw, bias, groups);
  const want8 = [...refRequantRows(acc, cout, sw.map((s) => mult(input.scale, s, output.scale)), output.zeroPoint, -120, 125)];
  const [r32, r8] = [runOn(K.relaxed!, spec32, c.x, xv), runOn(K.relaxed!, spec8, c.x, xv)];
  const [p32, p8] = [runOn(K.plain!, spec32, c.x, xv), runOn(K.plain!, spec8, c.x, xv)];
  const path = K.relaxed!.features.relaxedSimd.used ? (weights === 'w4' ? 'rdot' : 'rdot2') : 'dot16';
  expect([r32.path, r8.path, p32.path, p8.path]).toEqual([path, path, 'dot16', 'dot16']);
  expect(r32.y).toEqual([...acc]);
  expect(r8.y).toEqual(want8);
  expect(r32.y).toEqual(p32.y);
  expect(r8.y).toEqual(p8.y);
}

const CASES: Case[] = [
  { x: [3, 28, 28, 1], f: [5, 5, 1, 16], pads: 'valid', why: 'small rows: LeNet conv1, 5-byte filter rows, k 25, several chunks' },
  { x: [2, 28, 28, 1], f: [3, 3, 1, 16], s: [2, 2], pads: [[0, 1], [0, 1]], why: 'small rows: the residual stem, 3-byte rows, stride 2, padding' },
  { x: [2, 9, 11, 1], f: [5, 5, 1, 6], pads: 'valid', why: 'small rows: blocks across rows, a last block of 2' },
  { x: [4, 7, 7, 1], f: [5, 5, 1, 4], pads: 'valid', why: 'small rows: 3x3 outputs, blocks across images' },
  { x: [1, 10, 10, 1], f: [6, 5, 1, 5], pads: 'same', why: 'small rows: kh 6 (three pairs), k 30, padding' },
  { x: [1, 9, 9, 1], f: [4, 7, 1, 3], pads: [[1, 2], [3, 0]], why: 'small rows: 7-byte rows, k 28' },
  { x: [2, 11, 10, 1], f: [3, 5, 1, 6], d: [2, 1], pads: 'valid', why: 'small rows: dilation 2 down' },
  { x: [1, 9, 8, 2], f: [3, 3, 2, 5], pads: [[1, 0], [0, 2]], why: 'small rows: 2 channels, 6-byte rows, k 18' },
  { x: [1, 6, 6, 3], f: [3, 1, 3, 4], pads: 'same', why: 'small rows: 3 channels, one tap a row' },
  { x: [1, 4, 4, 6], f: [1, 1, 6, 7], s: [2, 2], pads: 'same', why: 'small rows: a strided 1x1 of 6 channels' },
  { x: [1, 3, 3, 2], f: [3, 3, 2, 2], pads: [[4, 4], [4, 4]], why: 'small rows: windows of padding only' },
  { x: [3, 7, 7, 32], f: [3, 3, 32, 8], pads: 'same', why: 'fused: 96-byte filter rows, edge pixels gathered' },
  { x: [3, 5, 2, 8], f: [3, 3, 8, 4], pads: 'same', why: 'fused: 24-byte rows (a tail of 8), 2 pixels a row' },
  { x: [2, 14, 14, 16], f: [3, 3, 16, 16], pads: 'same', why: 'fused: the residual block conv, several chunks' },
  { x: [2, 14, 14, 16], f: [3, 3, 16, 32], s: [2, 2], pads: [[0, 1], [0, 1]], why: 'fused: stride 2, padding after' },
  { x: [2, 14, 14, 16], f: [1, 1, 16, 32], s: [2, 2], pads: 'valid', why: 'fused: the strided 1x1 shortcut' },
  { x: [2, 12, 12, 16], f: [5, 5, 16, 32], pads: 'valid', why: 'fused: LeNet conv2, k 400' },
  { x: [2, 6, 7, 4], f: [3, 3, 4, 9], pads: [[1, 1], [1, 1]], why: 'fused: 12-byte rows (a tail only)' },
  { x: [1, 8, 8, 4], f: [2, 2, 4, 5], pads: 'valid', why: 'fused: 8-byte rows, even window' },
  { x: [3, 4, 5, 17], f: [1, 1, 17, 11], pads: 'valid', why: 'direct: pointwise, packed straight from x' },
  { x: [2, 4, 4, 12], f: [1, 1, 3, 8], pads: 'valid', groups: 4, why: 'direct: grouped pointwise (a channel slice)' },
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], pads: 'same', why: 'direct: one pixel, one channel' },
  { x: [1, 12, 13, 1], f: [7, 7, 1, 5], pads: 'valid', why: 'gathered: kh 7' },
  { x: [1, 9, 9, 1], f: [6, 6, 1, 4], pads: 'valid', why: 'gathered: k 36 > 32 of few-byte rows' },
  { x: [2, 10, 9, 3], f: [3, 3, 3, 8], pads: 'same', why: 'gathered: 9-byte rows (RGB 3x3)' },
  { x: [1, 6, 5, 6], f: [3, 3, 3, 10], pads: 'same', groups: 2, why: 'gathered: groups' },
  { x: [1, 7, 7, 5], f: [3, 3, 1, 10], s: [2, 2], pads: 'same', groups: 5, why: 'gathered: a depthwise conv as conv2d' },
  { x: [1, 9, 7, 2], f: [3, 2, 2, 3], s: [2, 1], d: [2, 2], pads: 'same', why: 'gathered: dilation across' },
];

describe(`conv2d s8s8 nhwc rdot (the fused relaxed conv; ${runtime})`, () => {
  it('runs where the runtime passes the known-answer check (Deno, Bun; not Node 20)', () => {
    const f = K.relaxed!.features.relaxedSimd;
    expect(f.used).toBe(f.passed);
    if (runtime !== 'node') expect(f.used).toBe(true);
  });

  CASES.forEach((c, i) => {
    for (const weights of ['w4', 'w8'] as const) {
      it(`${c.why}: x [${c.x.join(',')}] filter [${c.f.join(',')}]${c.s ? ` strides ${c.s.join('x')}` : ''}${c.d ? ` dilations ${c.d.join('x')}` : ''}${c.groups ? ` groups ${c.groups}` : ''}, ${weights}`, () => {
        check(c, weights, 900 + 2 * i + (weights === 'w8' ? 1 : 0));
      });
    }
  });
});
