// Dense layer / fully connected: y[..., n] = requantize(bias + (x - zp_x) . (W - zp_w)) with W
// packed once at creation. Weights [k, n] as a tfjs dense kernel ('kn'), or [n, k] ('nk').
import type { KernelContext } from '../context.ts';
import { weightValues, type WeightData } from '../numerics/lowbit.ts';
import { checkClamp, checkQuantParams, checkWeightQuant, requantMultiplier, type CodeClamp, type TensorQuant, type WeightQuantParams } from '../numerics/qparams.ts';
import type { WasmTensor } from '../tensor.ts';
import { checkDistinct, checkInt, checkTensor, fail } from '../validate.ts';
import { checkAccumulatorRange, maxCentered, packRhs, runGemm, type GemmOutput, type GemmPath } from './gemm-core.ts';
import { PackedWeightsOp } from './packed-op.ts';
import { valueText } from '../errors.ts';

export interface GemmSpec {
  /** Rows of W: the input features. */
  readonly k: number;
  /** Columns of W: the output features. */
  readonly n: number;
  /** int8 values, or int4 / int2 packed (see unpackLowBit). */
  readonly weights: WeightData;
  /** 'kn' (default): W[k][n] row-major, as tfjs stores a dense kernel. 'nk': W transposed. */
  readonly weightsLayout?: 'kn' | 'nk';
  /** int32 per output channel, in units of s_in * s_w[c] (added to the accumulator). */
  readonly bias?: ArrayLike<number>;
  readonly input: TensorQuant;
  readonly weight: WeightQuantParams;
  /** int8 output with these parameters, or 'int32' for the raw accumulators. */
  readonly output: TensorQuant | 'int32';
  /** int8 output only: clamp in codes (fused ReLU / ReLU6, see kernelClamp). */
  readonly clamp?: CodeClamp;
}

/** Checks a bias of n int32 values (or none) and returns it with its largest magnitude. */
export function checkBias(op: string, bias: ArrayLike<number> | undefined, n: number): { values: Int32Array; maxAbs: number } {
  const values = new Int32Array(n);
  let maxAbs = 0;
  if (bias === undefined) return { values, maxAbs };
  if (bias === null || typeof bias !== 'object' || bias.length !== n) fail(op, `bias must hold ${n} int32 values`);
  for (let i = 0; i < n; i++) {
    values[i] = checkInt(op, `bias[${i}]`, bias[i], -(2 ** 31), 2 ** 31 - 1);
    maxAbs = Math.max(maxAbs, Math.abs(values[i]));
  }
  return { values, maxAbs };
}

/** Per-channel requantization multipliers f32(s_in * s_w[c] / s_out); zeros for int32 output. */
export function multipliers(op: string, input: TensorQuant, wScale: Float64Array, output: TensorQuant | 'int32'): Float32Array {
  const out = new Float32Array(wScale.length);
  if (output !== 'int32') wScale.forEach((s, c) => (out[c] = requantMultiplier(op, input.scale, s, output.scale)));
  return out;
}

export function gemmOutput(op: string, output: TensorQuant | 'int32', clamp: CodeClamp | undefined): GemmOutput {
  if (output === 'int32') {
    if (clamp !== undefined) fail(op, 'clamp applies to int8 output only');
    return { dtype: 'int32' };
  }
  checkQuantParams(op, 'output', output);
  return { dtype: 'int8', zeroPoint: output.zeroPoint, ...checkClamp(op, clamp) };
}

/** Largest |w - zp_w[c]| over weights laid out with the channel at `channelOf(i)`. */
export function maxCenteredWeight(values: Int8Array, zeroPoint: Int32Array, channelOf: (i: number) => number): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i] - zeroPoint[channelOf(i)]));
  return max;
}

export class GemmOp extends PackedWeightsOp {
  readonly k: number;
  readonly n: number;
  readonly outputDType: 'int8' | 'int32';
  /** Which kernels run it: 'dot16' (SIMD128), 'rdot' (relaxed SIMD, 7-bit weights) or 'rdot2' (relaxed SIMD, int8 weights). */
  readonly path: GemmPath;
  readonly #zpIn: number;
  readonly #out: GemmOutput;

  constructor(ctx: KernelContext, spec: GemmSpec) {
    const op = 'gemm';
    if (spec === null || typeof spec !== 'object') fail(op, 'spec must be an object');
    const k = checkInt(op, 'k', spec.k, 1, 2 ** 24);
    const n = checkInt(op, 'n', spec.n, 1, 2 ** 24);
    const layout = spec.weightsLayout ?? 'kn';
    if (layout !== 'kn' && layout !== 'nk') fail(op, `weightsLayout must be 'kn' or 'nk', got ${valueText(layout)}`);
    const input = checkQuantParams(op, 'input', spec.input);
    const w = checkWeightQuant(op, spec.weight, n);
    const out = gemmOutput(op, spec.output, spec.clamp);
    const values = weightValues(op, spec.weights, k * n);
    const bias = checkBias(op, spec.bias, n);
    const mult = multipliers(op, input, w.scale, spec.output);
    const maxW = maxCenteredWeight(values, w.zeroPoint, layout === 'kn' ? (i) => i % n : (i) => Math.floor(i / k));
    checkAccumulatorRange(op, k, maxCentered(input.zeroPoint), maxW, bias.maxAbs);
    const packed = packRhs(ctx, values, k, n, layout, w.zeroPoint, bias.values, mult, input.zeroPoint);
    super(ctx, packed.ptr, packed.bytes);
    this.path = packed.path;
    this.k = k;
    this.n = n;
    this.#out = out;
    this.outputDType = out.dtype;
    this.#zpIn = input.zeroPoint;
  }

  /** x: int8 [..., k]; y: [..., n] with the same leading dimensions, int8 or int32 as created. */
  run(x: WasmTensor<'int8'>, y: WasmTensor<'int8'> | WasmTensor<'int32'>): void {
    this.bind(x, y)();
  }

  /** Checks x and y once and returns the computation, for a plan that runs it many times. */
  bind(x: WasmTensor<'int8'>, y: WasmTensor<'int8'> | WasmTensor<'int32'>): () => void {
    const op = 'gemm.run';
    this.packed(op);
    checkTensor(op, 'x', x, this.ctx, 'int8');
    checkTensor(op, 'y', y, this.ctx, this.outputDType);
    checkDistinct(op, y, x);
    const xs = x.shape;
    const ys = y.shape;
    if (xs.length < 1 || xs[xs.length - 1] !== this.k) fail(op, `x must have shape [..., ${this.k}], got [${xs.join(', ')}]`);
    const lead = xs.slice(0, -1);
    if (ys.length !== xs.length || ys[ys.length - 1] !== this.n || lead.some((d, i) => d !== ys[i])) {
      fail(op, `y must have shape [${[...lead, this.n].join(', ')}], got [${ys.join(', ')}]`);
    }
    const [m, xp, yp] = [x.size / this.k, x.byteOffset, y.byteOffset];
    return () => runGemm(this.ctx, m, this.n, this.k, xp, this.k, this.#zpIn, this.path, this.packed(op), yp, this.#out);
  }
}
