// pad_s8_nhwc (the padded conv input) against a scalar reference: int8 with zero-point pads and
// int16 x - zp with zero pads, over channel counts around the 8-element step, rows shorter than it,
// zero and wide pads, several images. The bytes just past the copy must stay untouched.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernels, type WasmKernels } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

type Pads = [number, number, number, number];

function refPad(x: Int8Array, [n, h, w, c]: number[], [t, b, l, r]: Pads, zp: number, widen: boolean): number[] {
  const [ph, pw] = [h + t + b, w + l + r];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < ph; y++) {
      for (let xx = 0; xx < pw; xx++) {
        const inside = y >= t && y < t + h && xx >= l && xx < l + w;
        for (let ch = 0; ch < c; ch++) {
          const v = inside ? x[((i * h + y - t) * w + xx - l) * c + ch] : zp;
          out.push(widen ? v - zp : v);
        }
      }
    }
  }
  return out;
}

function check(shape: [number, number, number, number], pads: Pads, widen: boolean, seed: number): void {
  const r = new Rand(seed);
  const [n, h, w, c] = shape;
  const zp = r.int(-128, 127);
  const xv = r.int8s(n * h * w * c);
  const expected = refPad(xv, shape, pads, zp, widen);
  const elem = widen ? 2 : 1;
  const guard = 32;
  const x = K.tensor('int8', shape, xv);
  const dst = K.tensor('int8', [expected.length * elem + guard], new Int8Array(expected.length * elem + guard).fill(0x55));
  K.raw.pad_s8_nhwc(n, h, w, c, ...pads, x.byteOffset, zp, widen ? 1 : 0, dst.byteOffset);
  const bytes = dst.read();
  const got = widen ? new Int16Array(bytes.buffer, bytes.byteOffset, expected.length) : bytes.subarray(0, expected.length);
  expect([...got]).toEqual(expected);
  expect([...bytes.subarray(expected.length * elem)]).toEqual(new Array(guard).fill(0x55));
  x.dispose();
  dst.dispose();
}

describe('pad_s8_nhwc', () => {
  const cases: Array<[[number, number, number, number], Pads]> = [
    [[1, 5, 5, 1], [1, 1, 1, 1]],
    [[2, 28, 28, 1], [0, 1, 0, 1]], // the residual CNN's stem ('same', stride 2)
    [[3, 14, 14, 16], [1, 1, 1, 1]],
    [[2, 7, 7, 32], [1, 1, 1, 1]],
    [[1, 3, 2, 3], [2, 0, 0, 3]], // rows of 6 bytes: shorter than a step
    [[2, 4, 3, 5], [0, 0, 0, 0]], // no pads: a plain (widened) copy
    [[1, 6, 9, 7], [4, 4, 5, 5]], // pads wider than the image
    [[1, 2, 700, 1], [1, 2, 0, 0]], // a row longer than 512 bytes (memory.copy)
    [[2, 5, 3, 11], [3, 1, 2, 1]],
  ];
  for (const widen of [false, true]) {
    cases.forEach(([shape, pads], i) => {
      it(`${widen ? 'int16 x - zp' : 'int8'} x [${shape.join(',')}] pads [${pads.join(',')}]`, () => check(shape, pads, widen, 500 + i));
    });
  }
});
