import { describe, expect, it } from 'vitest';
import { ModelBuilder, addQuantized, dequantizeValue, makeQuant, quantizeValue, runReference } from '@qatjs/ir';
import { expectModelError } from './helpers.ts';

// A 16-bit residual stream (docs/numerics.md): quantize, dequantize, add and positionalAdd take and
// give int16 codes; add mixes int8 and int16 inputs; mul does not take int16.
const q = (scale: number, zeroPoint = 0, bits = 8) => makeQuant({ scale, zeroPoint, bits });

describe('int16 codes on the residual stream', () => {
  it('add of int16 and int8 codes is addQuantized on the codes, into an int16 grid; quantize/dequantize round-trip the grid', () => {
    const b = new ModelBuilder();
    const r = b.input('r', 'int16', [-1, 4], q(0.001, 17, 16));
    const x = b.input('x', 'int8', [-1, 4], q(0.05, -3));
    const y = b.add(r, x, {}, { name: 'y', dtype: 'int16', quant: q(0.001, -40, 16) });
    const f = b.dequantize(y, { name: 'f' });
    const back = b.quantize(f, { name: 'back', dtype: 'int16', quant: q(0.001, -40, 16) });
    b.output(y, f, back);
    const model = b.build();
    const rs = Int16Array.of(-32768, 32767, 0, 1234, -999, 17, 30000, -30000);
    const xs = Int8Array.of(-128, 127, 5, -7, 0, 99, 127, -128);
    const out = runReference(model, { r: rs, x: xs });
    expect(out.y).toBeInstanceOf(Int16Array);
    for (let i = 0; i < 8; i++) {
      const want = addQuantized(rs[i], 17, Math.fround(0.001), xs[i], -3, Math.fround(0.05), Math.fround(0.001), -40, -32768, 32767);
      expect(out.y[i]).toBe(want);
      expect(out.f[i]).toBe(dequantizeValue(want, Math.fround(0.001), -40));
      expect(out.back[i]).toBe(quantizeValue(out.f[i] as number, Math.fround(0.001), -40, -32768, 32767));
    }
    expect(Array.from(out.back)).toEqual(Array.from(out.y)); // a grid's own values quantize back to their codes
    // the saturating ends of the 16-bit grid are reached
    expect(Math.max(...out.y)).toBe(32767);
    expect(Math.min(...out.y)).toBe(-32768);
  });

  it('validation: int16 needs bits 9..16 grids to be within its clamp; mul refuses int16; clamps are checked in the int16 grid', () => {
    const b = new ModelBuilder();
    const r = b.input('r', 'int16', [-1, 4], q(0.001, 0, 16));
    expectModelError(() => b.node('mul', [r, r], { clamp: [-5, 5] }, [{ dtype: 'int16', quant: q(1, 0, 16) }]), 'nodes[0].inputs[0]', /int16/);
    expectModelError(() => b.add(r, r, { clamp: [-40000, 5] }, { dtype: 'int16', quant: q(1, 0, 16) }), 'nodes[0].attrs.clamp', /int16 grid -32768..32767/);
    const y = b.add(r, r, { clamp: [-1000, 1000] }, { name: 'y', dtype: 'int16', quant: q(0.002, 0, 16) });
    b.output(y);
    const out = runReference(b.build(), { r: Int16Array.of(-32768, -100, 100, 32767) });
    expect(Array.from(out.y)).toEqual([-1000, -100, 100, 1000]);
  });

  it('positionalAdd into an int16 grid: the float32 sum quantized with a division, as the fake-quant model', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'int8', [-1, 2, 3], q(0.05, 3));
    const p = b.constant({ name: 'P', dtype: 'int8', shape: [2, 3], quant: q(0.01), data: Int8Array.of(1, -2, 3, 100, -100, 0) });
    const y = b.node('positionalAdd', [x, p], {}, [{ name: 'y', dtype: 'int16', quant: q(0.0007, 5, 16) }])[0];
    b.output(y);
    const xs = Int8Array.of(-128, 0, 127, 10, -10, 3);
    const out = runReference(b.build(), { x: xs });
    const codes = [1, -2, 3, 100, -100, 0];
    for (let i = 0; i < 6; i++) {
      const v = Math.fround(dequantizeValue(xs[i], Math.fround(0.05), 3) + dequantizeValue(codes[i], Math.fround(0.01), 0));
      expect(out.y[i]).toBe(quantizeValue(v, Math.fround(0.0007), 5, -32768, 32767));
    }
  });
});
