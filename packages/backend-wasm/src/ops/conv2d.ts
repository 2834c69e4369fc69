// conv2d on NHWC int8 with an HWIO filter (tfjs) as a GEMM over im2col rows. On the SIMD128 (dot16)
// path no im2col is materialized: an ungrouped conv whose taps are adjacent pixels (dilation 1
// across) runs indirect over padded int16 copies of x - zp, made image by image in the kernel
// (assembly/conv/conv2d-s8s8-nhwc-idot16.ts: no gather, no packing of A); others gather, pack and
// multiply L1-sized chunks of output pixels (assembly/conv/conv2d-s8s8-nhwc-dot16.ts; a 1x1,
// stride 1, unpadded conv packs straight from x). The relaxed (rdot, rdot2) path gathers and packs
// chunks with its own kernel over a zero-point-padded copy of x (relaxed/conv.ts,
// assembly/relaxed/conv2d-s8s8-nhwc-rdot.ts). A threaded session divides either path's calls by
// output pixels (src/threads). A grouped conv runs one GEMM a group over its channel slice, writing
// its slice of the output channels.
import { Scratch, type KernelContext } from '../context.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkConvRun, convOutput, parseConvSpec, type ConvSpec, type ParsedConv } from './conv-spec.ts';
import { columnBlock, lhsChunkRows, packedLhsBytes, packRhs, type GemmPath } from './gemm-core.ts';
import { bindRelaxedConv } from '../relaxed/conv.ts';
import { PackedWeightsOp } from './packed-op.ts';
import { fail } from '../validate.ts';

/** filterShape [kh, kw, cin / groups, cout] (HWIO). */
export type Conv2dSpec = ConvSpec;

export class Conv2dOp extends PackedWeightsOp {
  readonly filterShape: readonly [number, number, number, number];
  readonly groups: number;
  readonly outputDType: 'int8' | 'int32';
  /** Which kernels run it: 'dot16' (SIMD128), 'rdot' (relaxed SIMD, 7-bit weights) or 'rdot2' (relaxed SIMD, int8 weights). */
  readonly path: GemmPath;
  readonly #p: ParsedConv;
  readonly #groupBytes: number;
  /** Runs indirect over the padded int16 copy of x - zp (dot16 only). */
  readonly #indirect: boolean;

  constructor(ctx: KernelContext, spec: Conv2dSpec) {
    const p = parseConvSpec('conv2d', spec, false);
    const [kh, kw, cinG, cout] = p.filterShape;
    // HWIO reshaped to [kh * kw * cinG, cout] is the GEMM's W in 'kn' layout; one W a group.
    const k = kh * kw * cinG;
    let packed = packRhs(ctx, p.values, k, cout, 'kn', p.zeroPoint, p.bias, p.multipliers, p.zpIn, p.groups);
    const indirect = packed.path === 'dot16' && runsIndirect(p);
    if (indirect && (kw * cinG) % 2 === 1) {
      // The indirect kernel's K pairs stay inside a filter row: an odd row gets a zero weight after it.
      ctx.heap.free(packed.ptr);
      packed = packRhs(ctx, rowPaddedFilter(p), kh * (kw * cinG + 1), cout, 'kn', p.zeroPoint, p.bias, p.multipliers, p.zpIn);
      // Zero taps cannot narrow a column's range of w - zp_w, so the path stays dot16.
      if (packed.path !== 'dot16') fail('conv2d', `internal: the row-padded filter packed for ${packed.path}`);
    }
    super(ctx, packed.ptr, packed.bytes);
    this.path = packed.path;
    this.#groupBytes = packed.groupBytes;
    this.#indirect = indirect;
    this.#p = p;
    this.filterShape = p.filterShape;
    this.groups = p.groups;
    this.outputDType = p.out.dtype;
  }

  /** Output shape for an NHWC input shape. */
  outputShape(inputShape: readonly number[]): [number, number, number, number] {
    return convOutput('conv2d', this.#p, inputShape).shape;
  }

  /** x: int8 [n, h, w, cin]; y: [n, oh, ow, cout] (outputShape), int8 or int32 as created. */
  run(x: WasmTensor<'int8'>, y: WasmTensor<'int8'> | WasmTensor<'int32'>): void {
    this.bind(x, y)();
  }

  /** Checks x and y once and returns the computation, for a plan that runs it many times. */
  bind(x: WasmTensor<'int8'>, y: WasmTensor<'int8'> | WasmTensor<'int32'>): () => void {
    const op = 'conv2d.run';
    this.packed(op);
    const g = checkConvRun(op, this.ctx, this.#p, x, y);
    const [batch, h, w, cin] = x.shape;
    const [kh, kw, cg, cout] = this.filterShape;
    const { strides: [sh, sw], dilations: [dh, dw] } = this.#p.window;
    const m = batch * g.outH * g.outW;
    if (m === 0) return () => {};
    const k = kh * kw * cg;
    const ng = cout / this.groups;
    const outBytes = this.outputDType === 'int8' ? 1 : 4;
    const pointwise = kh === 1 && kw === 1 && sh === 1 && sw === 1 && g.padTop + g.padLeft + g.padBottom + g.padRight === 0;
    const [xp, yp, zpIn, out] = [x.byteOffset, y.byteOffset, this.#p.zpIn, this.#p.out];
    if (this.path === 'dot16') {
      const mc = lhsChunkRows(k);
      const nc = columnBlock(k, ng);
      const [acc32, zp, lo, hi, ldc] = out.dtype === 'int8' ? [0, out.zeroPoint, out.lo, out.hi, cout] : [1, 0, 0, 0, cout * 4];
      if (this.#indirect) {
        // direct = 2: the indirect kernel, its four padded image copies in `packed`; mc is chosen so
        // the buffer src/threads gives a worker (packedLhsBytes(mc, k)) holds them too.
        const bytes = indirectBufferBytes(h, w, cin, kh, kw, sh, sw, dh, g.padTop, g.padLeft, g.outH, g.outW);
        const mcCopies = 4 * Math.ceil(bytes / packedLhsBytes(4, k));
        return () => {
          const packed = this.packed(op);
          const copies = this.ctx.scratch(Scratch.Lhs, packedLhsBytes(mcCopies, k));
          this.ctx.raw.conv2d_s8s8_nhwc_dot16(
            0, m, h, w, cin, 0, cg, kh, kw, sh, sw, dh, dw, g.padTop, g.padLeft, g.outH, g.outW, xp, zpIn, 2, cin,
            ng, packed, yp, ldc, acc32, zp, lo, hi, nc, mcCopies, 0, copies,
          );
        };
      }
      return () => {
        const packed = this.packed(op);
        const rows = pointwise ? 0 : this.ctx.scratch(Scratch.Aux, 4 * k);
        const lhs = this.ctx.scratch(Scratch.Lhs, packedLhsBytes(mc, k));
        for (let grp = 0; grp < this.groups; grp++) {
          this.ctx.raw.conv2d_s8s8_nhwc_dot16(
            0, m, h, w, cin, grp * cg, cg, kh, kw, sh, sw, dh, dw, g.padTop, g.padLeft, g.outH, g.outW, xp, zpIn, pointwise ? 1 : 0, cin,
            ng, packed + grp * this.#groupBytes, yp + grp * ng * outBytes, ldc, acc32, zp, lo, hi, nc, mc, rows, lhs,
          );
        }
      };
    }
    return bindRelaxedConv(this.ctx, this.path, {
      m, h, w, cin, filter: this.filterShape, groups: this.groups, strides: [sh, sw], dilations: [dh, dw], pads: [g.padTop, g.padBottom, g.padLeft, g.padRight],
      oh: g.outH, ow: g.outW, pointwise, x: xp, zpIn, y: yp, out, weights: () => this.packed(op), groupBytes: this.#groupBytes,
    });
  }
}

/** Ungrouped, taps adjacent across (dilation 1), not a 1x1 stride-1 unpadded conv (packed straight from x). */
function runsIndirect(p: ParsedConv): boolean {
  const [kh, kw] = p.filterShape;
  const { strides: [sh, sw], dilations: [, dw], padding } = p.window;
  const pointwise = kh === 1 && kw === 1 && sh === 1 && sw === 1 && (padding === 'valid' || padding === 'same' || padding.flat().every((v) => v === 0));
  return p.groups === 1 && dw === 1 && !pointwise;
}

/**
 * Bytes of the indirect kernel's buffer (conv2d_s8s8_nhwc_idot16): a 16-byte header, four int16
 * copies of an image padded as far as its last window reaches (a block of 4 pixels spans up to 4
 * images), 16 bytes for the zero tap's read past them.
 */
function indirectBufferBytes(
  h: number, w: number, c: number, kh: number, kw: number, sh: number, sw: number, dh: number,
  padTop: number, padLeft: number, oh: number, ow: number,
): number {
  const hp = Math.max(padTop + h, (oh - 1) * sh + (kh - 1) * dh + 1);
  const wp = Math.max(padLeft + w, (ow - 1) * sw + kw);
  return 16 + 4 * hp * wp * c * 2 + 16;
}

/** The HWIO filter with a tap of w = zp_w (w - zp_w = 0) after each filter row: [kh, kw * cin + 1, cout]. */
function rowPaddedFilter(p: ParsedConv): Int8Array {
  const [kh, kw, cin, cout] = p.filterShape;
  const row = kw * cin * cout;
  const out = new Int8Array(kh * (row + cout));
  for (let ky = 0; ky < kh; ky++) {
    const at = ky * (row + cout);
    out.set(p.values.subarray(ky * row, (ky + 1) * row), at);
    for (let j = 0; j < cout; j++) out[at + row + j] = p.zeroPoint[j];
  }
  return out;
}
