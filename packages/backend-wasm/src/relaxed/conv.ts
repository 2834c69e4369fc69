// The relaxed (rdot, rdot2) branch of conv2d: one call of the fused kernel a group
// (assembly/relaxed/conv2d-s8s8-nhwc-rdot.ts), which gathers L1-sized chunks of output pixels
// straight into the relaxed A layout and multiplies each chunk before the next (no im2col of the
// whole batch). A padded conv first copies x with its zero-point pads (pad_s8_nhwc), so every
// window lies inside its image: the kernel then reads every window straight from the copy, none is
// gathered alone. A threaded session splits the call by output pixels (src/threads/split.ts); the
// copy is made before, on the main thread.
import { Scratch, type KernelContext } from '../context.ts';
import { columnBlock, packedLhsBytes, type GemmOutput } from '../ops/gemm-core.ts';
import { paddedInput, padInput } from '../ops/pad-input.ts';
import { fail } from '../validate.ts';
import type { RelaxedPath } from './paths.ts';

/** One conv2d run, checked by the op (ops/conv2d.ts): the batch's geometry and where things are. */
export interface RelaxedConvRun {
  /** Output pixels of the batch: batch * oh * ow. */
  readonly m: number;
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  /** Filter [kh, kw, cg, cout] (cg = cin / groups). */
  readonly filter: readonly [number, number, number, number];
  readonly groups: number;
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** [top, bottom, left, right] */
  readonly pads: readonly [number, number, number, number];
  readonly oh: number;
  readonly ow: number;
  /** 1x1, stride 1, no padding: rows packed straight from x. */
  readonly pointwise: boolean;
  readonly x: number;
  readonly zpIn: number;
  readonly y: number;
  readonly out: GemmOutput;
  /** The op's packed W (one W a group, groupBytes apart): read at run time, the op may be disposed. */
  readonly weights: () => number;
  readonly groupBytes: number;
}

// The packed chunk of A stays in L1 (32 KiB and more on the CPUs we measure) beside a conv's narrow W.
const L1_CHUNK_BYTES = 16 * 1024;

/** Output pixels a chunk of the fused relaxed conv takes: a multiple of 4, at least 4. */
export function relaxedChunkRows(k: number, path: RelaxedPath): number {
  if (!Number.isInteger(k) || k < 1) fail('relaxedChunkRows', `k must be an integer >= 1, got ${k}`);
  const perRow = packedLhsBytes(4, k, path) / 4;
  return Math.max(4, Math.min(1024, Math.floor(L1_CHUNK_BYTES / perRow / 4) * 4));
}

/** The computation of one conv2d run on the relaxed path. */
export function bindRelaxedConv(ctx: KernelContext, path: RelaxedPath, r: RelaxedConvRun): () => void {
  const relaxed = ctx.relaxed;
  if (relaxed === null) fail('conv2d.run', `the ${path} path needs the relaxed-SIMD kernels`);
  if (r.m <= 0 || r.cin % r.groups !== 0 || r.filter[3] % r.groups !== 0) fail('conv2d.run', `bad relaxed conv geometry (m ${r.m}, cin ${r.cin}, groups ${r.groups})`);
  const [kh, kw, cg, cout] = r.filter;
  const [[sh, sw], [dh, dw]] = [r.strides, r.dilations];
  const k = kh * kw * cg;
  const ng = cout / r.groups;
  const mc = relaxedChunkRows(k, path);
  const nc = columnBlock(k, ng, path);
  const outBytes = r.out.dtype === 'int8' ? 1 : 4;
  const [acc32, zp, lo, hi] = r.out.dtype === 'int8' ? [0, r.out.zeroPoint, r.out.lo, r.out.hi] : [1, 0, 0, 0];
  const ldc = cout * outBytes;
  const two = path === 'rdot2' ? 1 : 0;
  const pad = r.pads.some((v) => v > 0) ? paddedInput('conv2d.run', [r.m / (r.oh * r.ow), r.h, r.w, r.cin], r.pads, r.zpIn) : null;
  const [h, w] = pad ? [pad.paddedH, pad.paddedW] : [r.h, r.w];
  return () => {
    const packed = r.weights();
    const x = pad ? padInput(ctx, pad, r.x, Scratch.Params) : r.x;
    // 4 gathered rows, and 16 bytes the kernel's vector loads may read past them
    const rows = r.pointwise ? 0 : ctx.scratch(Scratch.Aux, 4 * k + 16);
    const lhs = ctx.scratch(Scratch.Lhs, packedLhsBytes(mc, k, path));
    for (let grp = 0; grp < r.groups; grp++) {
      relaxed.conv2d_s8s8_nhwc_rdot(
        0, r.m, h, w, r.cin, grp * cg, cg, kh, kw, sh, sw, dh, dw, 0, 0, r.oh, r.ow, x, r.zpIn, r.pointwise ? 1 : 0, r.cin,
        ng, packed + grp * r.groupBytes, r.y + grp * ng * outBytes, ldc, acc32, zp, lo, hi, nc, mc, rows, lhs, two,
      );
    }
  };
}
