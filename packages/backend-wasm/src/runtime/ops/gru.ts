// gru: x [B, T, I] -> y [B, T, H], hT [B, H] (@qatjs/ir ops/gru.ts), "reset after". One int8 GEMM
// projects every step's x at once (int32 out, biasX included); each step runs the h.U GEMM (biasH
// included) and the f32x4 gate kernel (assembly/recurrent/gru-gates-s8-f32x4.ts).
import { codeRange, gateQuant, nodeAttrs, type Node, type QuantParams } from '@qatjs/ir';
import { RecurrentCore } from '../../ops/recurrent-core.ts';
import type { WasmTensor } from '../../tensor.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { boundSizes, gateScales, multipliers, optionalBias, weightCodes } from './recurrent.ts';

export function gruStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const a = nodeAttrs(node, 'gru');
  const [w, u] = [ctx.constant(node.inputs[1]), ctx.constant(node.inputs[2])];
  const [inputSize, hidden] = [w.shape[0], u.shape[0]];
  const rows = 3 * hidden;
  const gx = gateQuant(a.inputGateScales, a.inputGateBits);
  const gh = gateQuant(a.recurrentGateScales, a.recurrentGateBits);
  const x = ctx.quant(node.inputs[0]);
  const h = ctx.quant(node.outputs[0]);
  const hg = ctx.value(node.outputs[0]).storage.grid as { min: number; max: number };
  const core = new RecurrentCore(ctx.kernels, {
    gates: 3, inputSize, hidden, w: weightCodes(w), u: weightCodes(u),
    biasX: optionalBias(ctx, node, 3), biasH: optionalBias(ctx, node, 4), zx: x.zeroPoint, zh: h.zeroPoint,
    params: [multipliers(x.scale, w.quant as QuantParams, gx, rows), multipliers(h.scale, u.quant as QuantParams, gh, rows), gateScales(gx, rows), gateScales(gh, rows)],
  });
  const [lx, lh] = [codeRange(a.inputGateBits, true), codeRange(a.recurrentGateBits, true)];
  const hasH0 = node.inputs.length > 5;
  const raw = ctx.kernels.raw;
  return {
    bind(inputs, outputs) {
      const xs = inputs[0];
      const h0 = hasH0 ? inputs[1] : undefined;
      const [y, hT] = outputs as [WasmTensor<'int8'>, WasmTensor<'int8'>];
      const { batch: B, steps: T } = boundSizes(node, xs, a.maxSteps, inputSize);
      core.reserve(B, T);
      const hp = core.hp;
      return () => core.run(xs.byteOffset, B, T, h0?.byteOffset, hT.byteOffset, a.reverse, (t, axRow) => raw.gru_gates_s8_f32x4(
        B, hp, hidden, axRow, T * core.rows * 4, core.ah.ptr, core.params, lx.qmin, lx.qmax, lh.qmin, lh.qmax,
        core.h.ptr, h.scale, h.zeroPoint, hg.min, hg.max, y.byteOffset + t * hidden, T * hidden,
      ));
    },
    dispose: () => core.dispose(),
  };
}
