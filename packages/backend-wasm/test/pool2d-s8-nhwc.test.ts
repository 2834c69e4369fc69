// Max and average pooling against the reference: channel tails, 'same' padding (windows partly
// outside, counted without the padding), strides, clamps, rescaling, and .5 ties in the average.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, type WasmKernels } from '@qatjs/backend-wasm';
import { refAvgPool, refAxis, refMaxPool, rhe, type Win } from './reference/numerics.ts';
import { Rand } from './reference/random.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

const cases: Array<{ x: [number, number, number, number]; win: [number, number]; s: [number, number]; padding: 'same' | 'valid' }> = [
  { x: [1, 4, 4, 16], win: [2, 2], s: [2, 2], padding: 'valid' },
  { x: [2, 7, 5, 3], win: [3, 3], s: [2, 2], padding: 'same' },
  { x: [1, 6, 6, 21], win: [3, 2], s: [1, 2], padding: 'same' },
  { x: [1, 5, 5, 40], win: [5, 5], s: [1, 1], padding: 'valid' },
  { x: [3, 3, 3, 1], win: [2, 2], s: [1, 1], padding: 'same' },
];

function win(c: (typeof cases)[number]): Win {
  const [oh, padTop] = refAxis(c.x[1], c.win[0], c.s[0], 1, c.padding);
  const [ow, padLeft] = refAxis(c.x[2], c.win[1], c.s[1], 1, c.padding);
  return { kh: c.win[0], kw: c.win[1], sh: c.s[0], sw: c.s[1], dh: 1, dw: 1, padTop, padLeft, oh, ow };
}

describe('maxpool2d s8 nhwc', () => {
  cases.forEach((c, i) => {
    it(`x [${c.x.join(',')}] window ${c.win.join('x')} strides ${c.s.join('x')} ${c.padding}`, () => {
      const r = new Rand(800 + i);
      const xv = r.int8s(c.x.reduce((a, b) => a * b, 1));
      const g = win(c);
      const x = K.tensor('int8', c.x, xv);
      const y = K.tensor('int8', [c.x[0], g.oh, g.ow, c.x[3]]);
      expect(K.poolOutputShape(c.x, { window: c.win, strides: c.s, padding: c.padding })).toEqual([...y.shape]);
      for (const [lo, hi] of [[-128, 127], [-3, 90]]) {
        K.maxPool(x, y, { window: c.win, strides: c.s, padding: c.padding, clamp: { min: lo, max: hi } });
        expect([...y.read()]).toEqual([...refMaxPool(xv, c.x, g, lo, hi)]);
      }
      x.dispose();
      y.dispose();
    });
  });
});

describe('avgpool2d s8 nhwc fp32', () => {
  cases.forEach((c, i) => {
    it(`x [${c.x.join(',')}] window ${c.win.join('x')} strides ${c.s.join('x')} ${c.padding}`, () => {
      const r = new Rand(900 + i);
      const xv = r.int8s(c.x.reduce((a, b) => a * b, 1));
      const g = win(c);
      const x = K.tensor('int8', c.x, xv);
      const y = K.tensor('int8', [c.x[0], g.oh, g.ow, c.x[3]]);
      const qx = { scale: 0.1, zeroPoint: r.int(-50, 50) };
      for (const qy of [qx, { scale: 0.07, zeroPoint: 9 }]) {
        K.avgPool(x, y, { window: c.win, strides: c.s, padding: c.padding, input: qx, output: qy, clamp: { min: -127, max: 126 } });
        expect([...y.read()]).toEqual([...refAvgPool(xv, c.x, g, qx, qy, -127, 126)]);
      }
      x.dispose();
      y.dispose();
    });
  });

  it('rounds .5 averages half to even (same scale in and out)', () => {
    // 2x2 windows of (a, b, a, b): the average is (a + b) / 2, a tie whenever a + b is odd.
    const pairs = [[0, 1], [1, 2], [2, 3], [-1, 0], [-2, -1], [-3, -2], [5, 0], [-5, 0], [126, 127], [-128, -127]];
    const q = { scale: 0.5, zeroPoint: 0 };
    const xv = pairs.flatMap(([a, b]) => [a, b, a, b]);
    const x = K.tensor('int8', [pairs.length, 2, 2, 1], xv);
    const y = K.tensor('int8', [pairs.length, 1, 1, 1]);
    K.avgPool(x, y, { window: 2, padding: 'valid', input: q });
    expect([...y.read()]).toEqual(pairs.map(([a, b]) => rhe((a + b) / 2)));
    expect([...y.read()].slice(0, 6)).toEqual([0, 2, 2, 0, -2, -2]);
    x.dispose();
    y.dispose();
  });

  it('rejects padding as large as the window (a window would see no input)', () => {
    const x = K.tensor('int8', [1, 4, 4, 1]);
    const y = K.tensor('int8', [1, 6, 6, 1]);
    expect(() => K.maxPool(x, y, { window: 2, strides: 1, padding: [[2, 0], [0, 0]] })).toThrow(/smaller than the 2x2 window/);
    x.dispose();
    y.dispose();
  });
});
