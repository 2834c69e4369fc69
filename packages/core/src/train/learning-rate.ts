import { QatjsError, describeValue } from '../util/errors.ts';

/**
 * Learning rate by step: a constant, cosine decay to `final` (after an optional linear warm-up), or
 * step decay (multiply by `gamma` every `every` steps).
 */
export type LearningRateSchedule =
  | number
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'cosine'; readonly initial: number; readonly final?: number; readonly warmupSteps?: number }
  | { readonly kind: 'step'; readonly initial: number; readonly gamma: number; readonly every: number };

function positive(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new QatjsError(`fit: ${what} must be a positive number, got ${describeValue(v)}`);
  return v;
}

export function validateLearningRate(s: unknown): LearningRateSchedule {
  if (typeof s === 'number') return positive(s, 'learningRate');
  if (s === null || typeof s !== 'object') throw new QatjsError(`fit: learningRate must be a number or a schedule, got ${describeValue(s)}`);
  const o = s as Record<string, unknown>;
  if (o.kind === 'constant') positive(o.value, 'learningRate.value');
  else if (o.kind === 'cosine') {
    positive(o.initial, 'learningRate.initial');
    if (o.final !== undefined && !(typeof o.final === 'number' && o.final >= 0)) throw new QatjsError('fit: learningRate.final must be >= 0');
    if (o.warmupSteps !== undefined && !(Number.isInteger(o.warmupSteps) && (o.warmupSteps as number) >= 0)) {
      throw new QatjsError('fit: learningRate.warmupSteps must be an integer >= 0');
    }
  } else if (o.kind === 'step') {
    positive(o.initial, 'learningRate.initial');
    positive(o.gamma, 'learningRate.gamma');
    if (!(Number.isInteger(o.every) && (o.every as number) >= 1)) throw new QatjsError('fit: learningRate.every must be an integer >= 1');
  } else {
    throw new QatjsError(`fit: learningRate.kind must be 'constant', 'cosine' or 'step', got ${describeValue(o.kind)}`);
  }
  return s as LearningRateSchedule;
}

/** The learning rate at `step` (0-based) of `totalSteps`. */
export function learningRateAt(s: LearningRateSchedule, step: number, totalSteps: number): number {
  if (typeof s === 'number') return s;
  if (s.kind === 'constant') return s.value;
  if (s.kind === 'step') return s.initial * s.gamma ** Math.floor(step / s.every);
  const warm = s.warmupSteps ?? 0;
  if (step < warm) return (s.initial * (step + 1)) / warm;
  const span = Math.max(1, totalSteps - warm);
  const t = Math.min(1, (step - warm) / span);
  const final = s.final ?? 0;
  return final + ((s.initial - final) * (1 + Math.cos(Math.PI * t))) / 2;
}
