// Depthwise conv2d on NHWC int8 with a [kh, kw, cin, multiplier] filter (tfjs): output channel
// o = ci * multiplier + m. The filter is packed once into [kh * kw][cout rounded up to 8] int16
// (w - zp_w), followed by the int32 biases and the fp32 multipliers (assembly/conv/dwconv2d...).
import type { KernelContext } from '../context.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkConvRun, convOutput, parseConvSpec, type ConvSpec, type ParsedConv } from './conv-spec.ts';
import { PackedWeightsOp } from './packed-op.ts';

/** filterShape [kh, kw, cin, channelMultiplier]; per-channel arrays hold cin * multiplier values. */
export type DepthwiseConv2dSpec = ConvSpec;

export class DepthwiseConv2dOp extends PackedWeightsOp {
  readonly filterShape: readonly [number, number, number, number];
  readonly outputDType: 'int8' | 'int32';
  readonly #p: ParsedConv;

  constructor(ctx: KernelContext, spec: DepthwiseConv2dSpec) {
    const p = parseConvSpec('depthwiseConv2d', spec, true);
    const packed = packDepthwise(p);
    super(ctx, ctx.upload(packed), packed.byteLength);
    this.#p = p;
    this.filterShape = p.filterShape;
    this.outputDType = p.out.dtype;
  }

  /** Output shape for an NHWC input shape. */
  outputShape(inputShape: readonly number[]): [number, number, number, number] {
    return convOutput('depthwiseConv2d', this.#p, inputShape).shape;
  }

  /** x: int8 [n, h, w, cin]; y: [n, oh, ow, cin * multiplier] (outputShape), int8 or int32 as created. */
  run(x: WasmTensor<'int8'>, y: WasmTensor<'int8'> | WasmTensor<'int32'>): void {
    this.bind(x, y)();
  }

  /** Checks x and y once and returns the computation, for a plan that runs it many times. */
  bind(x: WasmTensor<'int8'>, y: WasmTensor<'int8'> | WasmTensor<'int32'>): () => void {
    const op = 'depthwiseConv2d.run';
    this.packed(op);
    const g = checkConvRun(op, this.ctx, this.#p, x, y);
    const [batch, h, w, cin] = x.shape;
    const [kh, kw, , mult] = this.filterShape;
    const { strides: [sh, sw], dilations: [dh, dw] } = this.#p.window;
    const o = this.#p.out;
    const [acc32, zp, lo, hi] = o.dtype === 'int32' ? [1, 0, 0, 0] : [0, o.zeroPoint, o.lo, o.hi];
    const [xp, yp, zpIn] = [x.byteOffset, y.byteOffset, this.#p.zpIn];
    return () => this.ctx.raw.dwconv2d_s8s8_nhwc_fp32(
      batch, h, w, cin, mult, kh, kw, sh, sw, dh, dw, g.padTop, g.padLeft, g.outH, g.outW,
      xp, zpIn, this.packed(op), yp, acc32, zp, lo, hi,
    );
  }
}

/** [taps][cPad] int16 (w - zp_w) | bias[cPad] int32 | multiplier[cPad] f32, cPad = cout rounded up to 8. */
function packDepthwise(p: ParsedConv): Uint8Array {
  const taps = p.filterShape[0] * p.filterShape[1];
  const cout = p.cout;
  const cPad = Math.ceil(cout / 8) * 8;
  const packed = new ArrayBuffer(taps * cPad * 2 + cPad * 8);
  const wv = new Int16Array(packed, 0, taps * cPad);
  for (let t = 0; t < taps; t++) for (let o = 0; o < cout; o++) wv[t * cPad + o] = p.values[t * cout + o] - p.zeroPoint[o];
  new Int32Array(packed, taps * cPad * 2, cPad).set(p.bias);
  new Float32Array(packed, taps * cPad * 2 + cPad * 4, cPad).set(p.multipliers);
  return new Uint8Array(packed);
}
