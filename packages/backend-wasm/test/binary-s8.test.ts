// int8 add and mul with numpy broadcasting against @qatjs/ir's scalar numerics (docs/numerics.md):
// add = addQuantized, mul = requantize((a - zp_a) * (b - zp_b), requantMultiplier(s_a, s_b, s_y)).
import { beforeAll, describe, expect, it } from 'vitest';
import { addQuantized, requantMultiplier, requantize } from '@qatjs/ir';
import { createKernels, type WasmKernels } from '@qatjs/backend-wasm';
import { Rand } from './reference/random.ts';
import { BROADCAST_CASES, broadcastRef, shapeSize } from './reference/broadcast.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels();
});

describe('int8 add and mul, broadcasting', () => {
  for (const [as, bs] of BROADCAST_CASES) {
    it(`[${as}] and [${bs}]: code for code`, () => {
      const r = new Rand(as.length * 13 + bs.length + 5);
      const a = Int8Array.from({ length: shapeSize(as) }, () => r.int(-128, 127));
      const b = Int8Array.from({ length: shapeSize(bs) }, () => r.int(-128, 127));
      const qa = { scale: Math.fround(0.02 + r.next() * 0.05), zeroPoint: r.int(-20, 20) };
      const qb = { scale: Math.fround(0.01 + r.next() * 0.05), zeroPoint: r.int(-20, 20) };
      const qy = { scale: Math.fround(0.05 + r.next() * 0.1), zeroPoint: r.int(-10, 10) };
      const clamp = { min: -100, max: 120 };
      const m = requantMultiplier(qa.scale, qb.scale, qy.scale);
      const refs = {
        add: (x: number, y: number) => addQuantized(x, qa.zeroPoint, qa.scale, y, qb.zeroPoint, qb.scale, qy.scale, qy.zeroPoint, clamp.min, clamp.max),
        mul: (x: number, y: number) => requantize((x - qa.zeroPoint) * (y - qb.zeroPoint), m, qy.zeroPoint, clamp.min, clamp.max),
      };
      for (const op of ['add', 'mul'] as const) {
        const want = broadcastRef(a, as, b, bs, refs[op]);
        const ta = K.tensor('int8', as, a);
        const tb = K.tensor('int8', bs, b);
        const out = K.tensor('int8', want.shape);
        K[op](ta, tb, out, { a: qa, b: qb, output: qy, clamp });
        expect(Array.from(out.read())).toEqual(want.data);
        for (const t of [ta, tb, out]) t.dispose();
      }
    });
  }
  it('rejects shapes that do not broadcast', () => {
    const q = { scale: 0.1, zeroPoint: 0 };
    expect(() => K.mul(K.tensor('int8', [2, 3]), K.tensor('int8', [2]), K.tensor('int8', [2, 3]), { a: q, b: q, output: q })).toThrow(/mul: shapes \[2, 3\] and \[2\] do not broadcast/);
  });
});
