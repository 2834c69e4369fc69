// lstm: x [B, T, I] -> y [B, T, H], hT [B, H], cT int16 [B, H] (@qatjs/ir ops/lstm.ts). One int8
// GEMM projects every step's x at once (int32 out); each step then runs the h.U GEMM and the f32x4
// gate kernel (assembly/recurrent/lstm-gates-s16-f32x4.ts) over all batch rows.
import { codeRange, gateQuant, nodeAttrs, type Node, type QuantParams } from '@qatjs/ir';
import { RecurrentCore } from '../../ops/recurrent-core.ts';
import type { WasmTensor } from '../../tensor.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { boundSizes, gateScales, multipliers, optionalBias, weightCodes } from './recurrent.ts';

export function lstmStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const a = nodeAttrs(node, 'lstm');
  const [w, u] = [ctx.constant(node.inputs[1]), ctx.constant(node.inputs[2])];
  const [inputSize, hidden] = [w.shape[0], u.shape[0]];
  const rows = 4 * hidden;
  const g = gateQuant(a.gateScales, a.gateBits);
  const x = ctx.quant(node.inputs[0]);
  const hv = ctx.value(node.outputs[0]).storage;
  const h = ctx.quant(node.outputs[0]);
  const cv = ctx.value(node.outputs[2]).storage;
  const sc = (cv.quant as { scale: number }).scale;
  const core = new RecurrentCore(ctx.kernels, {
    gates: 4, inputSize, hidden, w: weightCodes(w), u: weightCodes(u), biasX: optionalBias(ctx, node, 3), zx: x.zeroPoint, zh: h.zeroPoint,
    params: [multipliers(x.scale, w.quant as QuantParams, g, rows), multipliers(h.scale, u.quant as QuantParams, g, rows), gateScales(g, rows)],
  });
  const gl = codeRange(a.gateBits, true);
  const hg = hv.grid as { min: number; max: number };
  const cg = cv.grid as { min: number; max: number };
  const hasH0 = node.inputs.length > 4;
  const hasC0 = node.inputs.length > 5;
  const raw = ctx.kernels.raw;
  return {
    bind(inputs, outputs) {
      const xs = inputs[0];
      const [h0, c0] = [hasH0 ? inputs[1] : undefined, hasC0 ? inputs[2] : undefined];
      const [y, hT, cT] = outputs as [WasmTensor<'int8'>, WasmTensor<'int8'>, WasmTensor<'int16'>];
      const { batch: B, steps: T } = boundSizes(node, xs, a.maxSteps, inputSize);
      core.reserve(B, T);
      const hp = core.hp;
      return () => {
        if (c0) core.copyRows(c0.byteOffset, 2 * hidden, core.c.ptr, 2 * hp, B, 2 * hidden);
        else core.fill(core.c.ptr, 2 * B * hp, 0);
        core.run(xs.byteOffset, B, T, h0?.byteOffset, hT.byteOffset, a.reverse, (t, axRow) => raw.lstm_gates_s16_f32x4(
          B, hp, hidden, axRow, T * core.rows * 4, core.ah.ptr, core.params, gl.qmin, gl.qmax,
          core.c.ptr, sc, cg.min, cg.max, core.h.ptr, h.scale, h.zeroPoint, hg.min, hg.max, y.byteOffset + t * hidden, T * hidden,
        ));
        core.copyRows(core.c.ptr, 2 * hp, cT.byteOffset, 2 * hidden, B, 2 * hidden);
      };
    },
    dispose: () => core.dispose(),
  };
}
