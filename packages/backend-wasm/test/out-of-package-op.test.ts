// One op, one place: a new op added from outside @qatjs/ir and @qatjs/backend-wasm, through their
// public entry points only (docs/guides/adding-an-op.md): schema, reference kernel, runtime kernel.
import { describe, expect, it } from 'vitest';
import {
  ModelBuilder, codeRange, encodeModel, makeQuant, registerOp, registerReferenceOp, runReference,
  type OpSchema, type QuantParams, type ReferenceKernel,
} from '@qatjs/ir';
import { getRuntimeOp, listRuntimeOps, loadSession, registerRuntimeOp, type RuntimeOpBuilder, type WasmTensor } from '@qatjs/backend-wasm';

// negateS8: y = -x on int8 codes of the same scale and zero point: y = clamp(2 zp - x, qmin, qmax).
const schema: OpSchema = {
  op: 'negateS8',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['int8'] }],
  outputs: [{ name: 'y', dtypes: ['int8'] }],
  attrs: {},
  infer(ctx) {
    const x = ctx.inputs[0];
    if (!x?.quant || x.quant.scale.length !== 1) return ctx.fail('inputs[0]', 'negateS8 takes a per-tensor quantized int8 value');
    return [{ shape: x.shape, dtype: 'int8', quant: x.quant }];
  },
};

const reference: ReferenceKernel = ({ inputs: [x] }) => {
  const q = x.quant as QuantParams;
  const { qmin, qmax } = codeRange(q.bits, true);
  const zp = q.zeroPoint[0];
  return [Int8Array.from(x.data as Int8Array, (v) => Math.min(qmax, Math.max(qmin, 2 * zp - v)))];
};

const runtime: RuntimeOpBuilder = (ctx, node) => {
  const { zeroPoint } = ctx.quant(node.inputs[0]);
  const grid = ctx.value(node.outputs[0]).storage.grid as { min: number; max: number };
  return {
    bind(inputs: readonly WasmTensor[], outputs: readonly WasmTensor[]) {
      const [x, y] = [inputs[0] as WasmTensor<'int8'>, outputs[0] as WasmTensor<'int8'>];
      if (x.size !== y.size) throw new Error('negateS8: x and y differ in size');
      // Views are taken per call: WASM memory may grow between runs.
      return () => {
        const xv = x.view();
        const yv = y.view();
        for (let i = 0; i < xv.length; i++) yv[i] = Math.min(grid.max, Math.max(grid.min, 2 * zeroPoint - xv[i]));
      };
    },
  };
};

function model() {
  const b = new ModelBuilder();
  const x = b.input('x', 'float32', [-1, 5]);
  const q = b.quantize(x, { dtype: 'int8', quant: makeQuant({ scale: 0.05, zeroPoint: -7, bits: 8 }) });
  const [n] = b.node('negateS8', [q]);
  const y = b.dequantize(n, { name: 'y' });
  b.output(y, n);
  return b.build();
}

describe('an op added from outside ir and backend-wasm', () => {
  it('is refused by loadSession, naming node, op and the registered ops, until its runtime kernel is registered', async () => {
    registerOp(schema);
    registerReferenceOp('negateS8', reference);
    const m = model();
    await expect(loadSession(m)).rejects.toThrow(/node 'negateS8_\d+'.*no kernel for op 'negateS8' \(registered: conv2d, .*gemm/);
    registerRuntimeOp('negateS8', runtime);
    expect(getRuntimeOp('negateS8')).toBe(runtime);
    expect(listRuntimeOps()).toContain('negateS8');
    expect(() => registerRuntimeOp('negateS8', runtime)).toThrow(/already has a runtime kernel/);
    expect(() => registerRuntimeOp('noSuchOp', runtime)).toThrow(/no op schema named "noSuchOp"/);
    expect(() => registerRuntimeOp('gemm', runtime)).toThrow(/already/);
  });

  it('runs end to end, equal to runReference', async () => {
    const m = model();
    const session = await loadSession(encodeModel(m));
    for (const batch of [1, 4]) {
      const x = Float32Array.from({ length: 5 * batch }, (_, i) => (i - 9) * 0.37);
      const got = session.run({ x });
      const want = runReference(m, { x });
      for (const name of m.outputs) expect(Array.from(got[name])).toEqual(Array.from(want[name]));
    }
    session.dispose();
  });
});
