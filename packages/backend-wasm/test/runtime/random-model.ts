// Seeded random IntModels that use every integer op the runtime supports (add and mul broadcasting
// too), with random dtypes (int8 / uint8 activations at 8 or 4 bits; int8 / int4 / int2 weights,
// per-tensor or per-channel), window geometry (kernel, stride, dilation, padding, groups) and fused
// clamps.
import { ModelBuilder, biasQuant, makeQuant, packCodes, type IntModel, type QuantParams } from '@qatjs/ir';
import { Rand } from '../reference/random.ts';

type Act = { dtype: 'int8' | 'uint8'; quant: QuantParams };

export interface RandomModelOptions {
  /** The graph input: float32 reals (quantized in the graph) or uint8 codes. */
  readonly input: 'float32' | 'uint8';
  /** int8 weights in [-127, 127] (narrow range: the relaxed rdot2 path takes them); default the full [-128, 127]. */
  readonly narrowInt8?: boolean;
}

export function randomModel(seed: number, options: RandomModelOptions): IntModel {
  const r = new Rand(seed);
  const b = new ModelBuilder({ metadata: { producer: 'backend-wasm-test', seed: String(seed) } });
  let n = 0;
  const name = (p: string) => `${p}${n++}`;

  const act = (): Act => {
    const dtype = r.pick(['int8', 'uint8'] as const);
    const bits = r.next() < 0.75 ? 8 : 4;
    const [lo, hi] = dtype === 'int8' ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
    const zp = r.int(lo, Math.floor((lo + hi) / 2));
    const scale = (bits === 8 ? 0.02 : 0.2) * (0.5 + r.next());
    return { dtype, quant: makeQuant({ scale, zeroPoint: zp, bits }) };
  };
  const clampFor = (a: Act): [number, number] | undefined => {
    if (r.next() < 0.4) return undefined;
    const hi = a.dtype === 'int8' ? 2 ** (a.quant.bits - 1) - 1 : 2 ** a.quant.bits - 1;
    return [a.quant.zeroPoint[0], r.next() < 0.5 ? hi : Math.max(a.quant.zeroPoint[0], hi - 3)];
  };
  const weights = (shape: number[], axis: number, x: string, channels: number, wantBias: boolean) => {
    const dtype = r.pick(['int8', 'int4', 'int2'] as const);
    const bits = dtype === 'int8' ? 8 : dtype === 'int4' ? 4 : 2;
    const count = shape.reduce((a, d) => a * d, 1);
    const lowest = bits === 8 && options.narrowInt8 ? -127 : -(2 ** (bits - 1));
    const codes = Array.from({ length: count }, () => r.int(lowest, 2 ** (bits - 1) - 1));
    const perChannel = r.next() < 0.6;
    const k = count / shape[axis];
    const base = 0.5 / Math.sqrt(k) / 2 ** (bits - 1);
    const quant = perChannel
      ? makeQuant({ scale: Array.from({ length: shape[axis] }, () => base * (0.5 + r.next())), bits, axis })
      : makeQuant({ scale: base, bits });
    const data = dtype === 'int8' ? Int8Array.from(codes) : packCodes(dtype, codes);
    const w = b.constant({ name: name('w'), dtype, shape, quant, data });
    if (!wantBias) return { w };
    const bias = b.constant({
      name: name('b'), dtype: 'int32', shape: [channels], quant: biasQuant(b.info(x).quant as QuantParams, quant, channels),
      data: Int32Array.from({ length: channels }, () => r.int(-3000, 3000)),
    });
    return { w, bias };
  };
  const out = (a: Act, clamp?: [number, number]) => ({ name: name('v'), dtype: a.dtype, quant: a.quant, ...(clamp ? {} : {}) });

  const h = r.int(5, 12);
  const w = r.int(5, 12);
  const c = r.pick([1, 2, 3, 4]);
  let x: string;
  if (options.input === 'uint8') {
    x = b.input('image', 'uint8', [-1, h, w, c], makeQuant({ scale: 1 / 255, zeroPoint: 0 }));
  } else {
    const raw = b.input('image', 'float32', [-1, h, w, c]);
    const a = act();
    x = b.quantize(raw, { name: 'image.q', dtype: a.dtype, quant: a.quant });
  }

  // conv2d with random geometry (groups when the channels allow)
  const kh = r.int(1, 3);
  const kw = r.int(1, 3);
  const dil: [number, number] = [r.int(1, 2), 1];
  const groups = c % 2 === 0 && r.next() < 0.5 ? 2 : 1;
  const c1 = groups * r.int(2, 5);
  const a1 = act();
  const pads: [number, number, number, number] = [r.int(0, kh - 1), r.int(0, kw - 1), r.int(0, kh - 1), r.int(0, kw - 1)];
  const cw = weights([kh, kw, c / groups, c1], 3, x, c1, r.next() < 0.8);
  const clamp1 = clampFor(a1);
  const h1 = b.conv2d(x, cw.w, { ...(cw.bias ? { bias: cw.bias } : {}), strides: [r.int(1, 2), r.int(1, 2)], dilations: dil, pads, groups, ...(clamp1 ? { clamp: clamp1 } : {}) }, out(a1));

  // depthwise (same padding, stride 1) and a 1x1 conv of the same input, summed by add
  const mult = r.pick([1, 2]);
  const a2 = act();
  const dw = weights([3, 3, c1, mult], 2, h1, c1 * mult, true);
  const h2 = b.depthwiseConv2d(h1, dw.w, { bias: dw.bias, pads: [1, 1, 1, 1] }, out(a2));
  const a3 = act();
  const pw = weights([1, 1, c1, c1 * mult], 3, h1, c1 * mult, true);
  const h3 = b.conv2d(h1, pw.w, { bias: pw.bias }, out(a3));
  const a4 = act();
  const clamp4 = clampFor(a4);
  const h4 = b.add(h2, h3, clamp4 ? { clamp: clamp4 } : {}, out(a4));

  // pools: max (keeps the grid), average (rescales, padding excluded), global average
  const p1 = b.maxPool(h4, { kernel: [2, 2], strides: [r.int(1, 2), r.int(1, 2)], pads: [r.int(0, 1), r.int(0, 1), 0, 0] }, { name: name('v') });
  const a5 = act();
  const p2 = b.avgPool(p1, { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }, out(a5));
  const a6 = act();
  const g = b.globalAvgPool(p2, {}, out(a6));
  const f = b.flatten(p2, { name: name('v') });

  // two dense heads, reshaped into a batched matmul
  const k1 = b.info(f).shape[1];
  const a7 = act();
  const d1 = weights([k1, 6], 1, f, 6, true);
  const clamp7 = clampFor(a7);
  const g1 = b.gemm(f, d1.w, { bias: d1.bias, ...(clamp7 ? { clamp: clamp7 } : {}) }, out(a7));
  const a8 = act();
  const d2 = weights([c1 * mult, 6], 1, g, 6, r.next() < 0.5);
  const g2 = b.gemm(g, d2.w, d2.bias ? { bias: d2.bias } : {}, out(a8));
  const m1 = b.reshape(g1, [-1, 2, 3], { name: name('v') });
  const m2 = b.reshape(g2, [-1, 2, 3], { name: name('v') });
  const a9 = act();
  const mm = b.matmul(m1, m2, { transposeB: true }, out(a9));
  // broadcasting elementwise ops: an outer product [-1, 6, 1] x [-1, 1, 6], plus [-1, 1, 6]
  // (their random draws come after all the above, so the rest of each model is as it was)
  const row = b.reshape(g2, [-1, 1, 6], { name: name('v') });
  const col = b.reshape(g1, [-1, 6, 1], { name: name('v') });
  const a10 = act();
  const clamp10 = clampFor(a10);
  const e1 = b.mul(col, row, clamp10 ? { clamp: clamp10 } : {}, out(a10));
  const a11 = act();
  const e2 = b.add(row, e1, {}, out(a11));
  b.output(b.dequantize(b.flatten(mm, { name: name('v') }), { name: 'logits' }), g2, e2);
  return b.build();
}
