// The IntModel IR: plain data, no classes, so a model can be built by hand, by the builder or by
// decodeModel, and checked by validateModel. The meaning of each op (what the runtime computes) is
// written in its schema file under ops/; the shared numerics are in numerics.ts.

/**
 * THE element types of qatjs (every package imports this one).
 * - `int8`, `uint8`: quantized codes, one per byte (activations and weights).
 * - `int16`: quantized codes, two bytes each (an LSTM's cell state; bits 2..16); little-endian.
 * - `int32`: biases (and accumulators), and integer activations without a grid (token ids); little-endian.
 * - `float32`: graph inputs/outputs in float and the values between dequantize and quantize.
 * - `int4`, `int2`: packed signed weight codes, two (four) per byte; see dtype.ts for the packing.
 */
export type DType = 'int8' | 'uint8' | 'int16' | 'int32' | 'float32' | 'int4' | 'int2';

/**
 * The dtypes an activation (a value flowing between nodes) may have: int8/uint8/int16 codes of a
 * per-tensor grid, int32 integers without a grid (token ids), float32 reals.
 */
export type ActivationDType = 'int8' | 'uint8' | 'int16' | 'int32' | 'float32';

/**
 * THE quantization parameters of qatjs (core, backend-wasm and the adapters import this one).
 * How codes map to real numbers: `real = (code - zeroPoint[c]) * scale[c]`.
 * - `scale`: float32, finite, > 0 and normal (>= 2^-126); length 1 (per-tensor) or C (per-channel).
 * - `zeroPoint`: same length as `scale`; each inside the grid of `bits`.
 * - `axis`: set iff per-channel; then `scale.length === shape[axis]` and element i of a row-major
 *   tensor uses channel `floor(i / prod(shape[axis+1:])) % shape[axis]`. Activations are per-tensor.
 * - `bits`: the code grid. Signed dtypes (int8, int4, int2): [-2^(bits-1), 2^(bits-1) - 1];
 *   uint8: [0, 2^bits - 1]. 2..8 for int8/uint8, 2..4 for int4, 2 for int2, 32 for int32.
 *   Every code stored or produced lies in this grid (an int8 tensor with bits 4 holds -8..7).
 */
export interface QuantParams {
  readonly scale: Float32Array;
  readonly zeroPoint: Int32Array;
  readonly axis?: number;
  readonly bits: number;
}

/**
 * An activation tensor: a graph input or the output of exactly one node.
 * `shape` dims are >= 1; dim 0 may be -1, the batch size chosen at run time (one N for the whole
 * graph: every -1 in a model is the same number). `quant` is required for int8/uint8/int16
 * (per-tensor) and absent for int32 (plain integers, e.g. token ids) and float32.
 */
export interface ValueDecl {
  readonly name: string;
  readonly dtype: ActivationDType;
  readonly shape: readonly number[];
  readonly quant?: QuantParams;
}

/**
 * The stored elements of a constant, row-major, little-endian: Int8Array for int8, Uint8Array for
 * uint8 and for packed int4/int2, Int16Array for int16, Int32Array for int32, Float32Array for float32.
 */
export type ConstantData = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array;

/**
 * A weight or bias. Shapes are fully static (no -1). `quant` is required for int8/uint8/int4/int2,
 * optional for int32 (a bias has one: scale s_x * s_w[c], zero point 0, bits 32), absent for float32.
 */
export interface Constant {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly quant?: QuantParams;
  readonly data: ConstantData;
}

/** An attribute value: an integer, a boolean, a string or a list of integers. */
export type AttrValue = number | boolean | string | readonly number[];

/**
 * One operation. `inputs` name values or constants defined earlier (graph inputs, constants, or
 * outputs of earlier nodes); an optional trailing input (a bias) is simply left out. `outputs` name
 * values declared in `values`. Every attribute of the op's schema is present (no implicit defaults).
 */
export interface Node {
  readonly op: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/** The IR version this package reads and writes. */
export const INT_MODEL_VERSION = 1;

/**
 * A whole integer model. `nodes` are in topological order. Value and constant names share one
 * namespace; node names have their own. `metadata` holds free-form producer information.
 */
export interface IntModel {
  readonly version: typeof INT_MODEL_VERSION;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly values: readonly ValueDecl[];
  readonly constants: readonly Constant[];
  readonly nodes: readonly Node[];
  readonly metadata?: Readonly<Record<string, string>>;
}
