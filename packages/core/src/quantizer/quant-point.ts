import type * as tf from '@tensorflow/tfjs-core';
import type { QuantSpec } from '../spec/quant-spec.ts';

/** What a quantization point quantizes. */
export type QuantRole = 'weight' | 'activation' | 'bias';

/** A quantization point as a layer declares it (see Module.quantPoints). */
export interface QuantPointDecl {
  /** The point's name in its layer: 'weight', 'input', 'output', or a layer-specific one ('state', ...). */
  readonly name: string;
  readonly role: QuantRole;
  /** Weights: the exact shape. Activations: the shape of one sample if known (no batch axis). */
  readonly shape?: readonly number[];
  /** The axis of the tensor passed to apply() that per-channel quantization uses (non-negative). */
  readonly channelAxis?: number;
  /** Values are known to be >= 0 (after ReLU): quantizers default to an unsigned grid. */
  readonly nonNegative?: boolean;
  /**
   * Weights: the tensor that will be quantized (e.g. BN-folded), for quantizers that initialize from
   * it. It may be a new tensor: call it inside tf.tidy.
   */
  readonly initialValue?: () => tf.Tensor;
  /**
   * Default settings: the point takes the settings recipe rules give `from` (another key of the same
   * layer, declared or not: 'weight', 'output', ...) with `set` on top, so a preset quantizes it
   * without naming it. Rules that name the point itself merge on top of that (a rule naming a
   * different quantizer starts afresh); a rule setting it to null turns it off. An LSTM's recurrent
   * weight follows 'weight'; its 16-bit gates take the weight's (symmetric) quantizer with `{ bits: 16 }`.
   */
  readonly inherits?: PointInheritance;
  /**
   * The observer that observer-driven quantizers use here when the recipe names none (instead of
   * their role default). A recurrent state observed once per time step declares 'minMax': a moving
   * average started from the first step's small range would shrink its grid for many batches.
   */
  readonly observer?: string;
  /**
   * Refuses a quantizer this point cannot use (an unsigned grid for a signed state...): returns the
   * reason, or undefined. prepare() throws a RecipeError naming the point and the reason before it
   * attaches anything.
   */
  readonly check?: (q: { readonly quantizer: string; readonly spec: QuantSpec; readonly affine: boolean }) => string | undefined;
}

/** Where a point's default settings come from (QuantPointDecl.inherits). */
export interface PointInheritance {
  /** The rule key whose settings the point takes ('weight', 'input', 'output' or a point name). */
  readonly from: string;
  /** Settings that replace the inherited ones (common options such as bits, perChannel, narrowRange). */
  readonly set?: Readonly<Record<string, unknown>>;
}

/** A declared point placed in a model: where it is and what kind of layer owns it. */
export interface QuantPoint extends QuantPointDecl {
  /** Path of the owning layer in the module tree, e.g. "features.0.conv" ('' for the root). */
  readonly path: string;
  /** Kind of the owning layer, e.g. "Conv2d". */
  readonly layerKind: string;
  /** "path/name", used in every message about this point. */
  readonly label: string;
}

export function placePoint(decl: QuantPointDecl, path: string, layerKind: string): QuantPoint {
  return { ...decl, path, layerKind, label: `${path || '<root>'}/${decl.name}` };
}

/** What the model is doing when a quantizer is applied. */
export interface QuantizeContext {
  /** The owning module is in training mode. */
  readonly training: boolean;
  /** Statistics (observers, first-batch initializations) may update: calibration, or training before freezeObserversAt. */
  readonly observe: boolean;
  /** Fake quantization is on (off during calibration and float warm-up steps). */
  readonly fakeQuant: boolean;
}
