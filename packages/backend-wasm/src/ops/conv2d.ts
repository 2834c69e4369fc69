// conv2d on NHWC int8 with an HWIO filter (tfjs): im2col into the scratch (skipped for a 1x1,
// stride 1, unpadded conv, whose input already is the GEMM's A), then the shared GEMM.
import { Scratch, type KernelContext } from '../context.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkConvRun, convOutput, parseConvSpec, type ConvSpec, type ParsedConv } from './conv-spec.ts';
import { packedRhsBytes, packRhs, runGemm } from './gemm-core.ts';
import { PackedWeightsOp } from './packed-op.ts';

/** filterShape [kh, kw, cin, cout] (HWIO). */
export type Conv2dSpec = ConvSpec;

export class Conv2dOp extends PackedWeightsOp {
  readonly filterShape: readonly [number, number, number, number];
  readonly outputDType: 'int8' | 'int32';
  readonly #p: ParsedConv;

  constructor(ctx: KernelContext, spec: Conv2dSpec) {
    const p = parseConvSpec('conv2d', spec, false);
    const [kh, kw, cin, cout] = p.filterShape;
    // HWIO reshaped to [kh * kw * cin, cout] is the GEMM's W in 'kn' layout.
    super(ctx, packRhs(ctx, p.values, kh * kw * cin, cout, 'kn', p.zeroPoint, p.bias, p.multipliers), packedRhsBytes(kh * kw * cin, cout));
    this.#p = p;
    this.filterShape = p.filterShape;
    this.outputDType = p.out.dtype;
  }

  /** Output shape for an NHWC input shape. */
  outputShape(inputShape: readonly number[]): [number, number, number, number] {
    return convOutput('conv2d', this.#p, inputShape).shape;
  }

  /** x: int8 [n, h, w, cin]; y: [n, oh, ow, cout] (outputShape), int8 or int32 as created. */
  run(x: WasmTensor<'int8'>, y: WasmTensor<'int8'> | WasmTensor<'int32'>): void {
    const op = 'conv2d.run';
    const packed = this.packed(op);
    const g = checkConvRun(op, this.ctx, this.#p, x, y);
    const [batch, h, w, cin] = x.shape;
    const [kh, kw, , cout] = this.filterShape;
    const { strides: [sh, sw], dilations: [dh, dw] } = this.#p.window;
    const m = batch * g.outH * g.outW;
    const k = kh * kw * cin;
    const pointwise = kh === 1 && kw === 1 && sh === 1 && sw === 1 && g.padTop + g.padLeft + g.padBottom + g.padRight === 0;
    let a = x.byteOffset;
    if (!pointwise && m > 0) {
      a = this.ctx.scratch(Scratch.Aux, m * k);
      this.ctx.raw.im2col_s8_nhwc(batch, h, w, cin, kh, kw, sh, sw, dh, dw, g.padTop, g.padLeft, g.outH, g.outW, x.byteOffset, this.#p.zpIn, a);
    }
    runGemm(this.ctx, m, cout, k, a, k, this.#p.zpIn, packed, y.byteOffset, this.#p.out);
  }
}
