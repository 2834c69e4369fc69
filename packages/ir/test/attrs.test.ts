import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ModelBuilder, decodeModel, encodeModel, floatAttr, optionalClamp, registerOp, stringAttr, validateModel, type OpSchema } from '@qatjs/ir';
import { expectModelError, expectSameModel, mutableCopy } from './helpers.ts';

// float and string attributes, and optional ones, on an op registered from outside: validated,
// defaulted by the builder, and carried through the file format bit for bit.

const testAttrOp: OpSchema = {
  op: 'testAttrKinds',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['float32'] }],
  outputs: [{ name: 'y', dtypes: ['float32'] }],
  attrs: {
    epsilon: { kind: 'float', min: 0, max: 1, default: 1e-5 },
    mode: { kind: 'string', values: ['tanh', 'erf'], default: 'erf' },
    scale: { kind: 'float', min: -1e30, max: 1e30, optional: true },
    axis: { kind: 'int', min: -8, max: 7, optional: true },
  },
  infer: (ctx) => [{ shape: ctx.inputs[0]?.shape ?? [], dtype: 'float32' }],
};
registerOp(testAttrOp);

function build(attrs: Record<string, unknown> = {}) {
  const b = new ModelBuilder();
  const x = b.input('x', 'float32', [-1, 3]);
  b.output(b.node('testAttrKinds', [x], attrs as never)[0]);
  return b.build();
}

describe('float, string and optional attributes', () => {
  it('fills defaults, leaves optional attributes out, keeps the ones given', () => {
    expect(build().nodes[0].attrs).toEqual({ epsilon: 1e-5, mode: 'erf' });
    expect(build({ mode: 'tanh', scale: -0.1, axis: -1 }).nodes[0].attrs).toEqual({ epsilon: 1e-5, mode: 'tanh', scale: -0.1, axis: -1 });
  });

  it('round-trips every float64 exactly through the file', () => {
    const model = build({ epsilon: 0.1, scale: 1 / 3 });
    const back = decodeModel(encodeModel(model));
    expectSameModel(back, model);
    expect(Object.is(back.nodes[0].attrs.scale, 1 / 3)).toBe(true);
    fc.assert(
      fc.property(fc.double({ min: -1e30, max: 1e30, noNaN: true }).filter((v) => !Object.is(v, -0)), (v) => {
        const m = build({ scale: v, epsilon: Math.abs(v) <= 1 ? Math.abs(v) : 5e-324 });
        const attrs = decodeModel(encodeModel(m)).nodes[0].attrs;
        expect(Object.is(attrs.scale, v)).toBe(true);
        expect(Object.is(attrs.epsilon, m.nodes[0].attrs.epsilon)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bad float and string values, naming the attribute', () => {
    const model = build();
    const at = (attrs: Record<string, unknown>) => {
      const m = mutableCopy(model);
      Object.assign(m.nodes[0].attrs, attrs);
      return () => validateModel(m);
    };
    expectModelError(at({ epsilon: 2 }), 'nodes[0].attrs.epsilon', /finite number in 0\.\.1/);
    expectModelError(at({ epsilon: NaN }), 'nodes[0].attrs.epsilon');
    expectModelError(at({ scale: Infinity }), 'nodes[0].attrs.scale');
    expectModelError(at({ scale: -0 }), 'nodes[0].attrs.scale', /-0/);
    expectModelError(at({ epsilon: '0.1' }), 'nodes[0].attrs.epsilon');
    expectModelError(at({ mode: 'relu' }), 'nodes[0].attrs.mode', /one of "tanh", "erf"/);
    expectModelError(at({ mode: 1 }), 'nodes[0].attrs.mode');
    expectModelError(at({ axis: 0.5 }), 'nodes[0].attrs.axis');
    expectModelError(at({ other: 1 }), 'nodes[0].attrs.other', /no attribute/);
    const missing = mutableCopy(model);
    delete missing.nodes[0].attrs.mode;
    expectModelError(() => validateModel(missing), 'nodes[0].attrs.mode', /needs attribute mode/);
    expectModelError(() => build({ mode: 'gelu' }), 'nodes[0].attrs.mode');
  });

  it('reads attributes typed: floatAttr, stringAttr, optionalClamp', () => {
    const node = build({ scale: 0.25 }).nodes[0];
    expect(floatAttr(node, 'epsilon')).toBe(1e-5);
    expect(floatAttr(node, 'scale')).toBe(0.25);
    expect(stringAttr(node, 'mode')).toBe('erf');
    expect(optionalClamp(node)).toBeUndefined();
    expectModelError(() => floatAttr(node, 'mode'), 'node.attrs.mode', /no float attribute mode/);
    expectModelError(() => stringAttr(node, 'axis'), 'node.attrs.axis', /no string attribute axis/);
    const b = new ModelBuilder();
    const i = b.input('i', 'int8', [2], { scale: Float32Array.of(1), zeroPoint: Int32Array.of(0), bits: 8 });
    b.add(i, i, {}, { name: 'y', dtype: 'int8', quant: { scale: Float32Array.of(1), zeroPoint: Int32Array.of(0), bits: 8 } });
    b.output('y');
    expect(optionalClamp(b.build().nodes[0])).toEqual([-128, 127]);
  });

  it('rejects malformed attribute specs at registerOp', () => {
    const base = { ...testAttrOp, op: 'testBadSpec' };
    expectModelError(() => registerOp({ ...base, attrs: { e: { kind: 'float', min: 1, max: 0 } } }), 'schema.attrs.e');
    expectModelError(() => registerOp({ ...base, attrs: { e: { kind: 'string', values: [] } } }), 'schema.attrs.e');
    expectModelError(() => registerOp({ ...base, attrs: { e: { kind: 'double' } as never } }), 'schema.attrs.e');
  });
});
