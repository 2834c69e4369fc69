import { QatjsError, describeValue } from '../util/errors.ts';
/**
 * A point's quantizer settings in a rule: the quantizer's registered name, the common options
 * (bits, signed, narrowRange, perChannel) and the plugin's own options, flat. In a rule that refines
 * an earlier one, `quantizer` may be left out: the fields merge into what earlier rules set.
 */
export interface PointConfig {
  readonly quantizer?: string;
  readonly bits?: number;
  readonly [option: string]: unknown;
}

/**
 * One recipe rule. `match` selects layers: a glob on the layer path ("features.*", "encoder.**.qkv";
 * `*` stays within one path segment, `**` crosses segments) or on the layer kind ("Conv2d", "*"),
 * or "@first" / "@last" (the first and last layer that has a weight point). Later rules win.
 */
export interface RecipeRule {
  readonly match: string | readonly string[];
  readonly weight?: PointConfig | null;
  readonly input?: PointConfig | null;
  readonly output?: PointConfig | null;
  /** Other declared points by name ("state", "bias", ...). */
  readonly points?: Readonly<Record<string, PointConfig | null>>;
  /** Matched layers get no quantizers from earlier rules (later rules may still add some). */
  readonly skip?: boolean;
  /**
   * Matched layers with an integer-only form of their nonlinearity (Module.hasIntegerOnlyForm: I-BERT's
   * GELU, softmax and layer norm in the transformer adapter) compute it in integers, in training and
   * in the converted model; false switches it back off. A later rule wins.
   */
  readonly integerOnly?: boolean;
}

/**
 * Training-step switches. Each value is either a step number (an integer >= 0), counted from the
 * first step of the fit() call's run (a resumed run keeps counting: steps of the checkpoint included),
 * or a fraction of the run (a number strictly between 0 and 1): `0.8` is step floor(0.8 * epochs *
 * stepsPerEpoch) of that fit() call's run (the learning-rate schedule's horizon, not maxSteps).
 */
export interface Schedule {
  /** From this step on, observers and first-batch initializations stop updating. */
  readonly freezeObserversAt?: number;
  /** From this step on, batch-norm layers use running statistics (and fold them). */
  readonly freezeBatchNormAt?: number;
  /** Steps before this one train in float (fake quantization off, observers on). */
  readonly warmupFloatSteps?: number;
}

/** A schedule value: a step (integer >= 0) or a fraction of the run (0 < v < 1). */
export const isScheduleValue = (v: unknown): v is number => typeof v === 'number' && ((Number.isInteger(v) && v >= 0) || (v > 0 && v < 1));

/** The step a schedule value means in a run of `horizon` steps (fractions need the horizon). */
export function scheduleStep(v: number, horizon: number | undefined, key: string): number {
  if (Number.isInteger(v)) return v;
  if (horizon === undefined) throw new QatjsError(`schedule: ${key} ${v} is a fraction of the run; pass the run's length in steps (fit does)`);
  return Math.floor(v * horizon);
}

export interface Recipe {
  readonly name?: string;
  readonly rules: readonly RecipeRule[];
  readonly schedule?: Schedule;
}

export const POINT_KEYS = ['weight', 'input', 'output'] as const;
export const SCHEDULE_KEYS = ['freezeObserversAt', 'freezeBatchNormAt', 'warmupFloatSteps'] as const;

/** The (point name, config) pairs a rule sets, in a fixed order. */
export function ruleEntries(rule: RecipeRule): Array<[string, PointConfig | null]> {
  const out: Array<[string, PointConfig | null]> = [];
  for (const k of POINT_KEYS) if (rule[k] !== undefined) out.push([k, rule[k] as PointConfig | null]);
  for (const [k, v] of Object.entries(rule.points ?? {})) out.push([k, v]);
  return out;
}

/** Describes a rule in messages: "rule 2 (match \"conv*\")". */
export function describeRule(rule: RecipeRule, index: number): string {
  // describeValue, not String(): a hostile recipe's match may hold a symbol or a null-prototype object
  const show = (p: unknown) => (typeof p === 'string' ? p : describeValue(p));
  const m = Array.isArray(rule.match) ? rule.match.map(show).join('", "') : show(rule.match);
  return `rule ${index} (match "${m}")`;
}

/** Recipes compose: rules concatenate (so the later recipe's rules win), schedule fields override. */
export function compose(...recipes: Recipe[]): Recipe {
  const names = recipes.map((r) => r.name).filter((n): n is string => typeof n === 'string');
  const schedule = Object.assign({}, ...recipes.map((r) => r.schedule ?? {})) as Schedule;
  return {
    ...(names.length ? { name: names.join('+') } : {}),
    rules: recipes.flatMap((r) => r.rules),
    ...(Object.keys(schedule).length ? { schedule } : {}),
  };
}
