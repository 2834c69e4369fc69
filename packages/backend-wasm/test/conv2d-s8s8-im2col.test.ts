// conv2d (im2col + GEMM) against the scalar reference: NHWC x HWIO, 'same' / 'valid' / explicit
// padding, strides, dilations, 1x1 pointwise (no im2col), per-channel scales, zero points, int8 and
// int4 filters. Ungrouped convs with dilation 1 across (most cases) run indirect over the padded
// int16 copy of x - zp; grouped ones and dilation across gather and pack; pointwise packs from x.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, packLowBit, type WindowPadding, type WasmKernels } from '@qatjs/backend-wasm';
import { mult, refAxis, refConv2dAcc, refRequantRows, type Win } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: [number, number];
  d: [number, number];
  padding: WindowPadding;
  seed: number;
  groups?: number;
  /** int4 filter codes (packed), else int8. */
  int4?: boolean;
}

function geometry(c: Case): Win {
  const [, h, w] = c.x;
  const [kh, kw] = c.f;
  if (Array.isArray(c.padding)) {
    const [[t, b], [l, r]] = c.padding;
    return {
      kh, kw, sh: c.s[0], sw: c.s[1], dh: c.d[0], dw: c.d[1], padTop: t, padLeft: l,
      oh: Math.floor((h + t + b - ((kh - 1) * c.d[0] + 1)) / c.s[0]) + 1,
      ow: Math.floor((w + l + r - ((kw - 1) * c.d[1] + 1)) / c.s[1]) + 1,
    };
  }
  const [oh, padTop] = refAxis(h, kh, c.s[0], c.d[0], c.padding as 'same' | 'valid');
  const [ow, padLeft] = refAxis(w, kw, c.s[1], c.d[1], c.padding as 'same' | 'valid');
  return { kh, kw, sh: c.s[0], sw: c.s[1], dh: c.d[0], dw: c.d[1], padTop, padLeft, oh, ow };
}

function check(c: Case) {
  const r = new Rand(c.seed);
  const [n, h, w, cin] = c.x;
  const cout = c.f[3];
  const groups = c.groups ?? 1;
  const xv = r.int8s(n * h * w * cin);
  const fv = c.int4 ? r.int8s(c.f.reduce((a, b) => a * b, 1), -8, 7) : r.int8s(c.f.reduce((a, b) => a * b, 1));
  const zpx = r.int(-128, 127);
  const zpw = Int32Array.from({ length: cout }, () => (c.int4 ? r.int(-3, 3) : r.int(-10, 10)));
  const bias = Int32Array.from({ length: cout }, () => r.int(-3000, 3000));
  const sw = Float64Array.from({ length: cout }, () => 0.005 + 0.01 * r.next());
  const k = c.f[0] * c.f[1] * c.f[2];
  const input = { scale: 0.03, zeroPoint: zpx };
  const output = { scale: 0.03 * 0.01 * Math.sqrt(k) * 40, zeroPoint: r.int(-20, 20) };
  const filter = c.int4 ? { bits: 4 as const, data: packLowBit(fv, 4) } : fv;
  const spec = { filterShape: c.f, filter, strides: c.s, dilations: c.d, padding: c.padding, groups, bias, input, weight: { scale: sw, zeroPoint: zpw } };
  const op8 = K.createConv2d({ ...spec, output, clamp: { min: -120, max: 120 } });
  const op32 = K.createConv2d({ ...spec, output: 'int32' });
  const g = geometry(c);
  const outShape = [n, g.oh, g.ow, cout];
  expect(op8.outputShape(c.x)).toEqual(outShape);
  const x = K.tensor('int8', c.x, xv);
  const y8 = K.tensor('int8', outShape);
  const y32 = K.tensor('int32', outShape);
  op8.run(x, y8);
  op32.run(x, y32);
  const acc = refConv2dAcc(xv, c.x, fv, cout, g, zpx, zpw, bias, groups);
  expect([...y32.read()]).toEqual([...acc]);
  const m = sw.map((s) => mult(input.scale, s, output.scale));
  expect([...y8.read()]).toEqual([...refRequantRows(acc, cout, m, output.zeroPoint, -120, 120)]);
  for (const t of [x, y8, y32, op8, op32]) t.dispose();
}

describe('conv2d s8s8 (im2col + gemm 4x8c2 dot16)', () => {
  const cases: Array<Omit<Case, 'seed'>> = [
    { x: [1, 5, 5, 3], f: [3, 3, 3, 4], s: [1, 1], d: [1, 1], padding: 'same' },
    { x: [2, 7, 6, 5], f: [3, 3, 5, 9], s: [2, 2], d: [1, 1], padding: 'same' },
    { x: [1, 8, 8, 1], f: [5, 5, 1, 8], s: [1, 1], d: [1, 1], padding: 'valid' },
    { x: [1, 9, 7, 2], f: [3, 2, 2, 3], s: [2, 1], d: [2, 2], padding: 'same' },
    { x: [1, 6, 6, 4], f: [3, 3, 4, 5], s: [1, 2], d: [1, 1], padding: [[2, 0], [1, 3]] },
    { x: [3, 4, 5, 17], f: [1, 1, 17, 11], s: [1, 1], d: [1, 1], padding: 'valid' }, // pointwise: no im2col
    { x: [1, 4, 4, 6], f: [1, 1, 6, 7], s: [2, 2], d: [1, 1], padding: 'same' }, // 1x1 strided: im2col
    { x: [1, 1, 1, 1], f: [1, 1, 1, 1], s: [1, 1], d: [1, 1], padding: 'same' },
    { x: [1, 3, 3, 2], f: [3, 3, 2, 2], s: [1, 1], d: [1, 1], padding: [[4, 4], [4, 4]] }, // windows of padding only
    { x: [2, 14, 14, 8], f: [3, 3, 8, 16], s: [1, 1], d: [1, 1], padding: 'same' },
    { x: [1, 6, 5, 6], f: [3, 3, 3, 10], s: [1, 1], d: [1, 1], padding: 'same', groups: 2 },
    { x: [2, 4, 4, 12], f: [1, 1, 3, 8], s: [1, 1], d: [1, 1], padding: 'valid', groups: 4 }, // grouped pointwise
    { x: [1, 7, 7, 5], f: [3, 3, 1, 10], s: [2, 2], d: [1, 1], padding: 'same', groups: 5 }, // a depthwise conv as conv2d
    // filter rows of a few bytes (kw * cin not a multiple of 8): interior windows gathered as 8-byte
    // words (4..8 bytes a run) or copied (shorter, longer), edge windows from im2col, then packed
    { x: [3, 28, 28, 1], f: [5, 5, 1, 16], s: [1, 1], d: [1, 1], padding: 'valid' }, // LeNet's first conv
    { x: [2, 9, 11, 1], f: [5, 5, 1, 6], s: [1, 1], d: [1, 1], padding: 'valid' }, // blocks across rows, a last block of 2
    { x: [4, 7, 7, 1], f: [5, 5, 1, 4], s: [1, 1], d: [1, 1], padding: 'valid' }, // 3x3 outputs: blocks across images
    { x: [1, 12, 13, 1], f: [7, 7, 1, 5], s: [1, 1], d: [1, 1], padding: 'valid' },
    { x: [2, 11, 10, 1], f: [3, 5, 1, 6], s: [1, 1], d: [2, 1], padding: 'valid' },
    { x: [2, 28, 28, 1], f: [3, 3, 1, 16], s: [2, 2], d: [1, 1], padding: 'same' }, // the residual CNN's stem
    { x: [2, 10, 9, 3], f: [3, 3, 3, 8], s: [1, 1], d: [1, 1], padding: 'same' },
    { x: [1, 9, 8, 2], f: [3, 3, 2, 5], s: [1, 1], d: [1, 1], padding: [[1, 0], [0, 2]] },
    // whole-vector filter rows with edge pixels in a block of 4 (gathered one by one, the rest from x)
    { x: [3, 7, 7, 32], f: [3, 3, 32, 8], s: [1, 1], d: [1, 1], padding: 'same' },
    { x: [3, 5, 2, 8], f: [3, 3, 8, 4], s: [1, 1], d: [1, 1], padding: 'same' }, // 2 pixels a row
    { x: [2, 14, 14, 16], f: [3, 3, 16, 16], s: [2, 2], d: [1, 1], padding: 'same' },
    // the indirect path: windows read in place from the padded int16 copy
    { x: [3, 14, 14, 16], f: [3, 3, 16, 16], s: [1, 1], d: [1, 1], padding: 'same' }, // the residual CNN's block1
    { x: [2, 7, 7, 32], f: [3, 3, 32, 32], s: [1, 1], d: [1, 1], padding: 'same' },
    { x: [2, 12, 12, 16], f: [5, 5, 16, 32], s: [1, 1], d: [1, 1], padding: 'valid' }, // LeNet's second conv
    { x: [3, 5, 3, 8], f: [3, 3, 8, 12], s: [1, 1], d: [1, 1], padding: 'same' }, // last block of 1 pixel, a panel of 4 columns
    { x: [2, 9, 9, 16], f: [3, 3, 16, 8], s: [1, 1], d: [2, 1], padding: 'same' }, // dilation down only: still indirect
    { x: [2, 13, 11, 3], f: [5, 5, 3, 7], s: [2, 2], d: [1, 1], padding: [[2, 1], [0, 3]] }, // 3 channels, odd rows
    { x: [2, 8, 7, 3], f: [3, 1, 3, 9], s: [1, 2], d: [1, 1], padding: 'same' }, // rows of one pixel, 3 channels
    { x: [2, 5, 5, 1], f: [3, 5, 1, 4], s: [1, 1], d: [1, 1], padding: 'valid' }, // windows as wide as the image: the extra tap wraps to the next row
    { x: [1, 5, 3, 1], f: [2, 3, 1, 3], s: [1, 1], d: [3, 1], padding: [[1, 1], [0, 0]] },
    { x: [1, 3, 3, 5], f: [1, 1, 5, 4], s: [1, 1], d: [1, 1], padding: [[1, 1], [1, 1]] }, // 1x1 with pads: not pointwise
    { x: [5, 6, 6, 1], f: [2, 2, 1, 17], s: [2, 2], d: [1, 1], padding: 'valid' }, // 9 pixels an image: blocks across images
    { x: [7, 3, 3, 16], f: [3, 3, 16, 8], s: [1, 1], d: [1, 1], padding: 'valid' }, // 1 pixel an image: a block spans 4 images
    { x: [7, 3, 4, 3], f: [3, 3, 3, 8], s: [1, 1], d: [1, 1], padding: 'valid' }, // 2 pixels an image: blocks span 3 images
    // int4 filters (unpacked at creation; the row padding uses their zero points)
    { x: [2, 12, 12, 1], f: [5, 5, 1, 16], s: [1, 1], d: [1, 1], padding: 'valid', int4: true },
    { x: [2, 8, 8, 16], f: [3, 3, 16, 16], s: [1, 1], d: [1, 1], padding: 'same', int4: true },
    { x: [2, 9, 9, 3], f: [3, 3, 3, 8], s: [2, 2], d: [1, 1], padding: 'same', int4: true },
    { x: [1, 6, 5, 6], f: [3, 3, 3, 10], s: [1, 1], d: [1, 1], padding: 'same', groups: 2, int4: true },
  ];
  cases.forEach((c, i) => {
    it(`x [${c.x.join(',')}] filter [${c.f.join(',')}] strides ${c.s.join('x')} dilations ${c.d.join('x')} padding ${JSON.stringify(c.padding)}${c.groups ? ` groups ${c.groups}` : ''}${c.int4 ? ' int4' : ''}`, () => {
      check({ ...c, seed: 300 + i });
    });
  });
});
