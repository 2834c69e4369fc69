import { QatjsError, describeValue, type PointConfig, type Recipe, type RecipeRule } from '@qatjs/core';

/** Layer paths of charTransformer's residual stream: the positional sum and each block's two adds. */
export const RESIDUAL_STREAM: readonly string[] = ['pos', 'blocks.*.add1', 'blocks.*.add2'];
/** Layers whose weights are the model's first and last: token and position tables, output head. */
export const FIRST_LAST: readonly string[] = ['embed', 'pos', 'head'];
/** The layer kinds with an integer-only form (I-BERT): GELU, layer norm, the attention's softmax. */
export const INTEGER_ONLY_KINDS: readonly string[] = ['Gelu', 'LayerNorm', 'CausalSelfAttention'];

export interface TransformerRecipeOptions {
  /** Weight bits (2..8), per-channel (per row for the embeddings). */
  readonly wbits: number;
  /** Activation bits (2..16 in simulation; the integer runtime holds 8). */
  readonly abits: number;
  /** Weight quantizer: 'uniform' (default; narrow range at 8 bits) or 'lsq'. */
  readonly weightQuantizer?: 'uniform' | 'lsq';
  /** Activation quantizer: 'asymmetric' (default) or 'lsq'. */
  readonly activationQuantizer?: 'asymmetric' | 'lsq';
  /** Bits of the residual stream (RESIDUAL_STREAM's outputs), default abits. */
  readonly residualBits?: number;
  /** Bits of the embedding tables' and the head's weights, default wbits. */
  readonly firstLastBits?: number;
  /** Observer of the observer-based activation quantizers ('minMax' for post-training calibration); default theirs. */
  readonly observer?: string;
  /** Training steps after which observers and first-batch initializations freeze (default: never). */
  readonly freezeObserversAt?: number;
  /** GELU, softmax and layer norm integer-only (I-BERT's polynomials and integer square root), default false. */
  readonly integerOnly?: boolean;
  readonly name?: string;
}

function bits(v: unknown, name: string, max: number): number {
  if (!(Number.isInteger(v) && (v as number) >= 2 && (v as number) <= max)) throw new QatjsError(`transformerRecipe: ${name} must be an integer in 2..${max}, got ${describeValue(v)}`);
  return v as number;
}

/**
 * A recipe for charTransformer-style models (attention layers of kind CausalSelfAttention): every
 * weight per-channel, every layer output, and the attention's `scores` (signed), `probs` (unsigned,
 * zero point 0: ~1/255 from the observed maximum 1, or LSQ's learned step started at 2^-abits) and
 * `context`.
 */
export function transformerRecipe(o: TransformerRecipeOptions): Recipe {
  if (o === null || typeof o !== 'object') throw new QatjsError(`transformerRecipe: options must be an object, got ${describeValue(o)}`);
  const wbits = bits(o.wbits, 'wbits', 8);
  const abits = bits(o.abits, 'abits', 16);
  const wq = o.weightQuantizer ?? 'uniform';
  const aq = o.activationQuantizer ?? 'asymmetric';
  if (wq !== 'uniform' && wq !== 'lsq') throw new QatjsError(`transformerRecipe: weightQuantizer must be 'uniform' or 'lsq', got ${describeValue(wq)}`);
  if (aq !== 'asymmetric' && aq !== 'lsq') throw new QatjsError(`transformerRecipe: activationQuantizer must be 'asymmetric' or 'lsq', got ${describeValue(aq)}`);
  const residual = o.residualBits === undefined ? undefined : bits(o.residualBits, 'residualBits', 16);
  const fl = o.firstLastBits === undefined ? undefined : bits(o.firstLastBits, 'firstLastBits', 8);
  const fz = o.freezeObserversAt;
  if (fz !== undefined && !(Number.isInteger(fz) && fz >= 0)) throw new QatjsError(`transformerRecipe: freezeObserversAt must be an integer >= 0, got ${describeValue(fz)}`);
  if (o.observer !== undefined && typeof o.observer !== 'string') throw new QatjsError(`transformerRecipe: observer must be an observer's name, got ${describeValue(o.observer)}`);
  const obs = aq === 'asymmetric' && o.observer ? { observer: o.observer } : {};
  if (o.integerOnly !== undefined && typeof o.integerOnly !== 'boolean') throw new QatjsError(`transformerRecipe: integerOnly must be true or false, got ${describeValue(o.integerOnly)}`);

  const weight: PointConfig = wq === 'lsq' ? { quantizer: 'lsq', bits: wbits, perChannel: true } : { quantizer: 'uniform', bits: wbits, perChannel: true, narrowRange: wbits === 8 };
  const act: PointConfig = aq === 'lsq' ? { quantizer: 'lsq', bits: abits } : { quantizer: 'asymmetric', bits: abits, ...obs };
  const probs: PointConfig = aq === 'lsq' ? { quantizer: 'lsq', bits: abits, signed: false, init: 1 / 2 ** abits } : { quantizer: 'uniform', bits: abits, signed: false, observer: 'minMax' };
  const rules: RecipeRule[] = [
    { match: '*', weight, output: act },
    { match: 'CausalSelfAttention', points: { scores: act, probs, context: act } },
  ];
  if (residual !== undefined && residual !== abits) rules.push({ match: RESIDUAL_STREAM, output: { bits: residual } });
  if (fl !== undefined && fl !== wbits) rules.push({ match: FIRST_LAST, weight: { bits: fl } });
  if (o.integerOnly) rules.push({ match: INTEGER_ONLY_KINDS, integerOnly: true });
  const name = o.name ?? `transformer-w${wbits}a${abits}${residual !== undefined && residual !== abits ? `-res${residual}` : ''}${fl !== undefined && fl !== wbits ? `-fl${fl}` : ''}${wq === 'lsq' || aq === 'lsq' ? '-lsq' : ''}${o.integerOnly ? '-ibert' : ''}`;
  return { name, rules, ...(fz === undefined ? {} : { schedule: { freezeObserversAt: fz } }) };
}
