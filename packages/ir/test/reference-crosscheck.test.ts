import { describe, expect, it } from 'vitest';
import { rng } from '@qatjs/test-utils/random';
import { ModelBuilder, codeRange, makeQuant, windowOutputSize, type IntModel, type QuantParams } from '@qatjs/ir';
import { addBias, addWeights, float64Conv, runOne, type ConvCase } from './reference-helpers.ts';

// conv2d, depthwiseConv2d and gemm on random shapes, attributes, dtypes and grids, against the
// independent float64 convolution of reference-helpers.ts: exactly equal codes (the same integer
// formula and requantization), and within half a quantum (+ float32 rounding) of the real-valued
// result, so the scales mean what the IR says they mean.

type Activation = { dtype: 'int8' | 'uint8'; quant: QuantParams; qmin: number; qmax: number };
type WeightDType = 'int8' | 'int4' | 'int2';

function generator(seed: number) {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const activation = (scale: number): Activation => {
    const dtype = pick(['int8', 'uint8'] as const);
    const { qmin, qmax } = codeRange(pick([8, 8, 6, 4]), dtype === 'int8');
    return { dtype, quant: makeQuant({ scale, zeroPoint: int(qmin, qmax), bits: Math.log2(qmax - qmin + 1) }), qmin, qmax };
  };
  const weights = (count: number) => {
    const dtype = pick(['int8', 'int4', 'int2'] as const);
    const bits = dtype === 'int8' ? pick([8, 5]) : dtype === 'int4' ? pick([4, 3]) : 2;
    const { qmin, qmax } = codeRange(bits, true);
    return { dtype: dtype as WeightDType, bits, codes: Array.from({ length: count }, () => int(qmin, qmax)), max: -qmin };
  };
  const scales = (n: number) => Array.from({ length: n }, () => Math.fround(0.005 + 0.05 * r()));
  const codes = (a: Activation, n: number) => Array.from({ length: n }, () => int(a.qmin, a.qmax));
  /** Integer accumulators of about this size: sqrt(depth) products of typical deviations and weights. */
  const typicalAcc = (depth: number, xDev: number, wMax: number) => Math.ceil(Math.sqrt(depth) * (xDev / 2) * (wMax / 2));
  /**
   * An output grid whose scale puts typical accumulators inside it, its zero point in the middle half,
   * and a clamp: a third of the time the whole grid, else a random [lo <= z_y, hi >= z_y].
   */
  const output = (sx: number, sw: number, acc: number) => {
    const grid = activation(1);
    const span = grid.qmax - grid.qmin;
    const zeroPoint = int(grid.qmin + Math.floor(span / 4), grid.qmax - Math.floor(span / 4));
    const scale = ((acc * sx * sw) / (span / 6)) * (0.3 + r());
    const y = { ...grid, quant: makeQuant({ scale, zeroPoint, bits: grid.quant.bits }) };
    const whole = r() < 1 / 3;
    return { ...y, lo: whole ? y.qmin : int(y.qmin, zeroPoint), hi: whole ? y.qmax : int(zeroPoint, y.qmax) };
  };
  const bias = (n: number, acc: number) => (r() < 0.7 ? Array.from({ length: n }, () => int(-acc, acc)) : undefined);
  /** Weight zero points anywhere in the grid of `bits` (asymmetric weights), one per channel. */
  const zeroPoints = (n: number, bits: number) => {
    const { qmin, qmax } = codeRange(bits, true);
    return Array.from({ length: n }, () => int(qmin, qmax));
  };
  return { r, int, pick, activation, weights, scales, codes, typicalAcc, output, bias, zeroPoints };
}

const devOf = (a: Activation) => Math.max(a.quant.zeroPoint[0] - a.qmin, a.qmax - a.quant.zeroPoint[0]);

/** Checks the reference's codes against the float64 conv: equal, and within half a quantum of the real result. */
function expectAgreement(label: string, got: number[], c: ConvCase): void {
  const want = float64Conv(c);
  expect({ label, codes: got }).toEqual({ label, codes: want.codes });
  const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want.real[i])), 0);
  expect({ label, within: worst <= 0.5 + 1e-3 }).toEqual({ label, within: true });
}

/** Weight deviations w - z_w[channel(i)], what the float64 conv multiplies by (no zero points: the symmetric codes). */
function deviations(codes: readonly number[], zw: readonly number[] | undefined, channel: (i: number) => number): readonly number[] {
  return zw === undefined ? codes : codes.map((c, i) => c - zw[zw.length === 1 ? 0 : channel(i)]);
}

interface Geometry { h: number; w: number; kh: number; kw: number; strides: [number, number]; dilations: [number, number]; pads: [number, number, number, number] }

function randomGeometry(g: ReturnType<typeof generator>): Geometry {
  for (;;) {
    const geo: Geometry = {
      h: g.int(1, 6), w: g.int(1, 6), kh: g.int(1, 3), kw: g.int(1, 3),
      strides: [g.int(1, 2), g.int(1, 2)], dilations: [g.int(1, 2), g.int(1, 2)],
      pads: [g.int(0, 2), g.int(0, 2), g.int(0, 2), g.int(0, 2)],
    };
    const ho = windowOutputSize(geo.h, geo.kh, geo.strides[0], geo.dilations[0], geo.pads[0], geo.pads[2]);
    const wo = windowOutputSize(geo.w, geo.kw, geo.strides[1], geo.dilations[1], geo.pads[1], geo.pads[3]);
    if (ho >= 1 && wo >= 1) return geo;
  }
}

describe('reference conv2d / depthwiseConv2d / gemm against float64', () => {
  for (const asymmetric of [false, true]) {
    const kind = asymmetric ? 'asymmetric' : 'symmetric';
    it(`conv2d: 150 random grouped, strided, dilated, padded convs with ${kind} int8/int4/int2 weights`, () => {
      const g = generator(asymmetric ? 111 : 101);
      for (let t = 0; t < 150; t++) {
        const geo = randomGeometry(g);
        const [n, groups, cg, perGroup] = [g.int(1, 2), g.int(1, 3), g.int(1, 3), g.int(1, 3)];
        const [cin, cout] = [groups * cg, groups * perGroup];
        const x = g.activation(Math.fround(0.01 + 0.1 * g.r()));
        const w = g.weights(geo.kh * geo.kw * cg * cout);
        const perChannel = g.r() < 0.5;
        const sw = perChannel ? g.scales(cout) : g.scales(1);
        const zw = asymmetric ? g.zeroPoints(sw.length, w.bits) : undefined;
        const wq = makeQuant({ scale: sw, bits: w.bits, ...(zw ? { zeroPoint: zw } : {}), ...(perChannel ? { axis: 3 } : {}) });
        const acc = g.typicalAcc(geo.kh * geo.kw * cg, devOf(x), w.max);
        const y = g.output(x.quant.scale[0], sw[0], acc);
        const bias = g.bias(cout, acc);
        const xCodes = g.codes(x, n * geo.h * geo.w * cin);

        const b = new ModelBuilder();
        const xv = b.input('x', x.dtype, [n, geo.h, geo.w, cin], x.quant);
        const wv = addWeights(b, 'w', w.dtype, [geo.kh, geo.kw, cg, cout], w.codes, wq);
        const bv = bias ? addBias(b, 'b', xv, wq, bias) : undefined;
        const attrs = { strides: geo.strides, dilations: geo.dilations, pads: geo.pads, groups, clamp: [y.lo, y.hi] as [number, number] };
        b.output(b.conv2d(xv, wv, { ...attrs, ...(bv ? { bias: bv } : {}) }, { name: 'y', dtype: y.dtype, quant: y.quant }));
        const model: IntModel = b.build();
        const got = runOne(model, { x: x.dtype === 'int8' ? Int8Array.from(xCodes) : Uint8Array.from(xCodes) });

        expectAgreement(`conv2d case ${t}`, got, {
          x: { shape: [n, geo.h, geo.w, cin], codes: xCodes, scale: x.quant.scale[0], zeroPoint: x.quant.zeroPoint[0] },
          w: { shape: [geo.kh, geo.kw, cg, cout], codes: deviations(w.codes, zw, (i) => i % cout), scales: Array.from({ length: cout }, (_, o) => sw[perChannel ? o : 0]) },
          bias, strides: geo.strides, dilations: geo.dilations, pads: geo.pads, groups,
          y: { scale: y.quant.scale[0], zeroPoint: y.quant.zeroPoint[0], lo: y.lo, hi: y.hi },
        });
      }
    });

    it(`depthwiseConv2d: 100 random cases with channel multipliers and ${kind} weights, as a grouped conv with one group per input channel`, () => {
      const g = generator(asymmetric ? 212 : 202);
      for (let t = 0; t < 100; t++) {
        const geo = randomGeometry(g);
        const [n, c, m] = [g.int(1, 2), g.int(1, 4), g.int(1, 3)];
        const x = g.activation(Math.fround(0.01 + 0.1 * g.r()));
        const w = g.weights(geo.kh * geo.kw * c * m);
        const perChannel = g.r() < 0.5;
        const sw = perChannel ? g.scales(c) : g.scales(1);
        const zw = asymmetric ? g.zeroPoints(sw.length, w.bits) : undefined;
        const wq = makeQuant({ scale: sw, bits: w.bits, ...(zw ? { zeroPoint: zw } : {}), ...(perChannel ? { axis: 2 } : {}) });
        const acc = g.typicalAcc(geo.kh * geo.kw, devOf(x), w.max);
        const y = g.output(x.quant.scale[0], sw[0], acc);
        const bias = g.bias(c * m, acc);
        const xCodes = g.codes(x, n * geo.h * geo.w * c);

        const b = new ModelBuilder();
        const xv = b.input('x', x.dtype, [n, geo.h, geo.w, c], x.quant);
        const wv = addWeights(b, 'w', w.dtype, [geo.kh, geo.kw, c, m], w.codes, wq);
        const bv = bias ? addBias(b, 'b', xv, wq, bias) : undefined;
        const attrs = { strides: geo.strides, dilations: geo.dilations, pads: geo.pads, clamp: [y.lo, y.hi] as [number, number] };
        b.output(b.depthwiseConv2d(xv, wv, { ...attrs, ...(bv ? { bias: bv } : {}) }, { name: 'y', dtype: y.dtype, quant: y.quant }));
        const got = runOne(b.build(), { x: x.dtype === 'int8' ? Int8Array.from(xCodes) : Uint8Array.from(xCodes) });

        // [KH, KW, C, M] in row-major order is [KH, KW, 1, C*M] with output o = c*M + m: the same codes
        expectAgreement(`depthwise case ${t}`, got, {
          x: { shape: [n, geo.h, geo.w, c], codes: xCodes, scale: x.quant.scale[0], zeroPoint: x.quant.zeroPoint[0] },
          w: { shape: [geo.kh, geo.kw, 1, c * m], codes: deviations(w.codes, zw, (i) => Math.floor(i / m) % c), scales: Array.from({ length: c * m }, (_, o) => sw[perChannel ? Math.floor(o / m) : 0]) },
          bias, strides: geo.strides, dilations: geo.dilations, pads: geo.pads, groups: c,
          y: { scale: y.quant.scale[0], zeroPoint: y.quant.zeroPoint[0], lo: y.lo, hi: y.hi },
        });
      }
    });

    it(`gemm: 100 random cases with ${kind} weights, as a 1x1 conv over an [M, 1, 1, K] image`, () => {
      const g = generator(asymmetric ? 313 : 303);
      for (let t = 0; t < 100; t++) {
        const [rows, depth, cols] = [g.int(1, 5), g.int(1, 40), g.int(1, 6)];
        const x = g.activation(Math.fround(0.01 + 0.1 * g.r()));
        const w = g.weights(depth * cols);
        const perChannel = g.r() < 0.5;
        const sw = perChannel ? g.scales(cols) : g.scales(1);
        const zw = asymmetric ? g.zeroPoints(sw.length, w.bits) : undefined;
        const wq = makeQuant({ scale: sw, bits: w.bits, ...(zw ? { zeroPoint: zw } : {}), ...(perChannel ? { axis: 1 } : {}) });
        const acc = g.typicalAcc(depth, devOf(x), w.max);
        const y = g.output(x.quant.scale[0], sw[0], acc);
        const bias = g.bias(cols, acc);
        const xCodes = g.codes(x, rows * depth);

        const b = new ModelBuilder();
        const xv = b.input('x', x.dtype, [-1, depth], x.quant);
        const wv = addWeights(b, 'w', w.dtype, [depth, cols], w.codes, wq);
        const bv = bias ? addBias(b, 'b', xv, wq, bias) : undefined;
        b.output(b.gemm(xv, wv, { clamp: [y.lo, y.hi], ...(bv ? { bias: bv } : {}) }, { name: 'y', dtype: y.dtype, quant: y.quant }));
        const got = runOne(b.build(), { x: x.dtype === 'int8' ? Int8Array.from(xCodes) : Uint8Array.from(xCodes) });

        expectAgreement(`gemm case ${t}`, got, {
          x: { shape: [rows, 1, 1, depth], codes: xCodes, scale: x.quant.scale[0], zeroPoint: x.quant.zeroPoint[0] },
          w: { shape: [1, 1, depth, cols], codes: deviations(w.codes, zw, (i) => i % cols), scales: Array.from({ length: cols }, (_, o) => sw[perChannel ? o : 0]) },
          bias, strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1,
          y: { scale: y.quant.scale[0], zeroPoint: y.quant.zeroPoint[0], lo: y.lo, hi: y.hi },
        });
      }
    });
  }
});
