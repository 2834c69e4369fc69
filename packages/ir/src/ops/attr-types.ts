import { IntModelError } from '../errors.ts';
import type { Node } from '../types.ts';

// Typed views of each built-in op's attributes, for code that executes a validated model.

export type Pair = readonly [number, number];
/**
 * THE 2-D window padding of qatjs, [top, left, bottom, right] in elements: the IR attribute `pads`;
 * core, adapters and backend-wasm use this type (windowPads gives one axis's [before, after]).
 */
export type Pads = readonly [number, number, number, number];
/**
 * THE output clamp of qatjs, [lo, hi] in codes of the output's grid (lo <= hi): the IR attribute
 * `clamp`; a fused ReLU / ReLU6 is one (activationClamp). Every package uses this type.
 */
export type Clamp = readonly [number, number];

export interface Conv2dAttrs { readonly strides: Pair; readonly dilations: Pair; readonly pads: Pads; readonly groups: number; readonly clamp: Clamp }
export interface DepthwiseConv2dAttrs { readonly strides: Pair; readonly dilations: Pair; readonly pads: Pads; readonly clamp: Clamp }
export interface GemmAttrs { readonly clamp: Clamp }
export interface MatmulAttrs { readonly transposeB: boolean; readonly clamp: Clamp }
/** add and mul: `clamp` is present on int8/uint8 nodes and absent on float32 ones. */
export interface AddAttrs { readonly clamp?: Clamp }
export type MulAttrs = AddAttrs;
export interface PoolAttrs { readonly kernel: Pair; readonly strides: Pair; readonly pads: Pads; readonly clamp: Clamp }
export interface GlobalAvgPoolAttrs { readonly clamp: Clamp }
export interface ReshapeAttrs { readonly shape: readonly number[] }
export type NoAttrs = Readonly<Record<string, never>>;

export interface OpAttrs {
  quantize: NoAttrs;
  dequantize: NoAttrs;
  conv2d: Conv2dAttrs;
  depthwiseConv2d: DepthwiseConv2dAttrs;
  gemm: GemmAttrs;
  matmul: MatmulAttrs;
  add: AddAttrs;
  maxPool: PoolAttrs;
  avgPool: PoolAttrs;
  globalAvgPool: GlobalAvgPoolAttrs;
  reshape: ReshapeAttrs;
  flatten: NoAttrs;
  mul: MulAttrs;
  sigmoid: NoAttrs;
  tanh: NoAttrs;
  exp: NoAttrs;
}

/** The attributes of a node of a validated model, typed for its op; throws if the node is another op. */
export function nodeAttrs<K extends keyof OpAttrs>(node: Node, op: K): OpAttrs[K] {
  if (node.op !== op) throw new IntModelError('node.op', `node '${node.name}' is ${node.op}, not ${op}`);
  return node.attrs as unknown as OpAttrs[K];
}
