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
/** lstm: the gate grid (1 or 4H scales, bits), direction, and the most steps a run may have. */
export interface LstmAttrs { readonly gateScales: readonly number[]; readonly gateBits: number; readonly reverse: boolean; readonly maxSteps: number }
/** gru: the grids of the input and recurrent gate pre-activations (1 or 3H scales, bits each), direction, most steps. */
export interface GruAttrs {
  readonly inputGateScales: readonly number[];
  readonly inputGateBits: number;
  readonly recurrentGateScales: readonly number[];
  readonly recurrentGateBits: number;
  readonly reverse: boolean;
  readonly maxSteps: number;
}
export interface ConcatAttrs { readonly axis: number }

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
  embedding: NoAttrs;
  lstm: LstmAttrs;
  gru: GruAttrs;
  concat: ConcatAttrs;
}

/**
 * The attributes of a node of a validated model, typed for its op; throws if the node is another op.
 * A package that registers an op types its attributes by augmenting OpAttrs
 * (`declare module '@qatjs/ir' { interface OpAttrs { layerNorm: { readonly epsilon: number } } }`).
 */
export function nodeAttrs<K extends keyof OpAttrs>(node: Node, op: K): OpAttrs[K] {
  if (node.op !== op) throw new IntModelError('node.op', `node '${node.name}' is ${node.op}, not ${op}`);
  return node.attrs as unknown as OpAttrs[K];
}

function attrOf(node: Node, name: string, kind: string, ok: (v: unknown) => boolean): unknown {
  const v = Object.hasOwn(node.attrs, name) ? node.attrs[name] : undefined;
  if (!ok(v)) throw new IntModelError(`node.attrs.${name}`, `node '${node.name}' (${node.op}) has no ${kind} attribute ${name}`);
  return v;
}

/** A float attribute of a node (of any op, registered ones too); throws if it is absent or not a number. */
export function floatAttr(node: Node, name: string): number {
  return attrOf(node, name, 'float', (v) => typeof v === 'number' && Number.isFinite(v)) as number;
}

/** A string attribute of a node; throws if it is absent or not a string. */
export function stringAttr(node: Node, name: string): string {
  return attrOf(node, name, 'string', (v) => typeof v === 'string') as string;
}

/** An optional clamp (add, mul): [lo, hi] on int8/uint8 nodes, undefined on float32 ones. */
export function optionalClamp(node: Node, name = 'clamp'): Clamp | undefined {
  return Object.hasOwn(node.attrs, name) ? (attrOf(node, name, 'clamp', (v) => Array.isArray(v) && v.length === 2) as Clamp) : undefined;
}
