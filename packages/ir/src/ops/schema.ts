import type { ActivationDType, AttrValue, ConstantData, DType, QuantParams } from '../types.ts';

/** What an op input must be: a value computed at run time, or a constant (weights, bias). */
export interface InputSpec {
  readonly name: string;
  readonly kind: 'activation' | 'constant';
  readonly dtypes: readonly DType[];
  /** Optional inputs come last; a node leaves them out of `inputs`. */
  readonly optional?: boolean;
}

export interface OutputSpec {
  readonly name: string;
  readonly dtypes: readonly ActivationDType[];
}

/**
 * Attribute kinds. An attribute is required on every node unless its spec says `optional: true`
 * (then a node may leave it out; the op's `infer` says when it must or must not be there). `default`
 * is what the builder fills in when the caller leaves it out.
 * - `int`: an integer in [min, max].
 * - `ints`: a list of integers in [min, max], of exactly `length` entries, or minLength..maxLength.
 * - `bool`.
 * - `float`: a finite number (float64) in [min, max], not -0 (JSON cannot carry -0); the file
 *   stores it as JSON's shortest round-trip decimal, so it reads back bit for bit.
 * - `floats`: a list of minLength..maxLength such numbers (per-channel scales of a float grid).
 * - `string`: one of `values`.
 * - `clamp`: [lo, hi], integer codes with qmin <= lo <= hi <= qmax of output 0's grid; the builder's
 *   default is the whole grid (no activation) when output 0 is int8/uint8, absent when it is float32
 *   (optional clamps). ReLU is [zp, qmax]; ReLU6 is [zp, min(qmax, zp + round(6/s))] (activationClamp).
 */
/** A list attribute: `ints` (integers) or `floats` (finite numbers), minLength..maxLength entries in [min, max]. */
export interface ListAttrSpec<K extends 'ints' | 'floats'> {
  readonly kind: K;
  readonly minLength: number;
  readonly maxLength: number;
  readonly min: number;
  readonly max: number;
  readonly default?: readonly number[];
  readonly optional?: boolean;
}

export type AttrSpec =
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly default?: number; readonly optional?: boolean }
  | ListAttrSpec<'ints'>
  | { readonly kind: 'bool'; readonly default?: boolean; readonly optional?: boolean }
  | { readonly kind: 'float'; readonly min: number; readonly max: number; readonly default?: number; readonly optional?: boolean }
  | ListAttrSpec<'floats'>
  | { readonly kind: 'string'; readonly values: readonly string[]; readonly default?: string; readonly optional?: boolean }
  | { readonly kind: 'clamp'; readonly optional?: boolean };

/** A tensor as an op sees it: a declared value or a constant (then `data` is set). */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly quant?: QuantParams;
  readonly data?: ConstantData;
}

/** What an op's `infer` gets: its inputs (positional; undefined for an absent optional one) and attrs. */
export interface OpContext {
  readonly inputs: readonly (TensorInfo | undefined)[];
  /** Already checked against the schema's attr specs. */
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** The declared outputs when a whole node is checked; undefined while the builder infers shapes. */
  readonly outputs: readonly TensorInfo[] | undefined;
  /** Throws an IntModelError for this node; `field` is relative to it (`inputs[1]`, `attrs.pads`). */
  fail(field: string, problem: string): never;
}

/** An inferred output: its shape, and its dtype/quant when the inputs fix them (pooling, reshape). */
export interface Inferred {
  readonly shape: readonly number[];
  readonly dtype?: ActivationDType;
  readonly quant?: QuantParams;
}

/**
 * One op kind. The generic checker verifies arity, input kinds and dtypes, output dtypes and attrs;
 * `infer` checks the rest (shapes, quant relations, accumulator range) and returns output shapes,
 * which must equal the declared ones.
 */
export interface OpSchema {
  readonly op: string;
  readonly inputs: readonly InputSpec[];
  readonly outputs: readonly OutputSpec[];
  readonly attrs: Readonly<Record<string, AttrSpec>>;
  infer(ctx: OpContext): readonly Inferred[];
}

/** Attribute accessors for `infer`: attrs are already type-checked, so these only narrow types. */
export const attrInt = (ctx: OpContext, name: string): number => ctx.attrs[name] as number;
export const attrInts = (ctx: OpContext, name: string): readonly number[] => ctx.attrs[name] as readonly number[];
export const attrBool = (ctx: OpContext, name: string): boolean => ctx.attrs[name] as boolean;
export const attrFloat = (ctx: OpContext, name: string): number => ctx.attrs[name] as number;
export const attrFloats = (ctx: OpContext, name: string): readonly number[] => ctx.attrs[name] as readonly number[];
export const attrString = (ctx: OpContext, name: string): string => ctx.attrs[name] as string;
/** True when the node carries attribute `name` (always, unless its spec is optional). */
export const hasAttr = (ctx: OpContext, name: string): boolean => Object.hasOwn(ctx.attrs, name);

/** The input at `i`, which the generic checker has already required to be present. */
export function input(ctx: OpContext, i: number): TensorInfo {
  return ctx.inputs[i] as TensorInfo;
}
