import { MAX_BITS, MIN_BITS } from '../spec/quant-spec.ts';
import { RecipeError, describeValue } from '../util/errors.ts';
import { compileGlob } from './glob.ts';
import { getPreset, listPresets } from './presets.ts';
import { POINT_KEYS, SCHEDULE_KEYS, isScheduleValue, compose, describeRule, type PointConfig, type Recipe, type RecipeRule, type Schedule } from './recipe.ts';

const RULE_KEYS = new Set<string>(['match', 'skip', 'integerOnly', 'points', ...POINT_KEYS]);
const RECIPE_KEYS = new Set(['name', 'rules', 'schedule', 'extends']);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parsePointConfig(v: unknown, where: string): PointConfig | null {
  if (v === null) return null;
  if (!isObject(v)) throw new RecipeError(`${where} must be an object { quantizer, bits, ... } or null, got ${describeValue(v)}`);
  if (v.quantizer !== undefined && (typeof v.quantizer !== 'string' || v.quantizer === '')) {
    throw new RecipeError(`${where}.quantizer must be a quantizer name, got ${describeValue(v.quantizer)}`);
  }
  if (v.bits !== undefined && !(Number.isInteger(v.bits) && (v.bits as number) >= MIN_BITS && (v.bits as number) <= MAX_BITS)) {
    throw new RecipeError(`${where}.bits must be an integer in ${MIN_BITS}..${MAX_BITS}, got ${describeValue(v.bits)}`);
  }
  return { ...v } as PointConfig;
}

function parseRule(v: unknown, index: number): RecipeRule {
  if (!isObject(v)) throw new RecipeError(`recipe rule ${index} must be an object, got ${describeValue(v)}`);
  const matches = typeof v.match === 'string' ? [v.match] : v.match;
  if (!Array.isArray(matches) || matches.length === 0) {
    throw new RecipeError(`recipe rule ${index}: match must be a pattern or a non-empty array of patterns, got ${describeValue(v.match)}`);
  }
  const where = `recipe ${describeRule({ match: matches as string[] }, index)}`;
  for (const m of matches) {
    try {
      compileGlob(m as string);
    } catch (e) {
      throw new RecipeError(`${where}: ${(e as Error).message}`);
    }
  }
  for (const key of Object.keys(v)) {
    if (!RULE_KEYS.has(key)) throw new RecipeError(`${where}: unknown key '${key}' (known: ${[...RULE_KEYS].join(', ')})`);
  }
  if (v.skip !== undefined && typeof v.skip !== 'boolean') throw new RecipeError(`${where}: skip must be true or false, got ${describeValue(v.skip)}`);
  const rule: Record<string, unknown> = { match: typeof v.match === 'string' ? v.match : [...(matches as string[])] };
  if (v.skip !== undefined) rule.skip = v.skip;
  if (v.integerOnly !== undefined && typeof v.integerOnly !== 'boolean') throw new RecipeError(`${where}: integerOnly must be true or false, got ${describeValue(v.integerOnly)}`);
  if (v.integerOnly !== undefined) rule.integerOnly = v.integerOnly;
  for (const key of POINT_KEYS) if (v[key] !== undefined) rule[key] = parsePointConfig(v[key], `${where}: ${key}`);
  if (v.points !== undefined) {
    if (!isObject(v.points)) throw new RecipeError(`${where}: points must be an object of point name -> config, got ${describeValue(v.points)}`);
    const points: Record<string, PointConfig | null> = {};
    for (const [name, cfg] of Object.entries(v.points)) {
      if (name in Object.prototype) throw new RecipeError(`${where}: points.${name}: '${name}' cannot be a point name`);
      points[name] = parsePointConfig(cfg, `${where}: points.${name}`);
    }
    rule.points = points;
  }
  if (!rule.skip && rule.integerOnly === undefined && POINT_KEYS.every((k) => rule[k] === undefined) && rule.points === undefined) {
    throw new RecipeError(`${where}: sets nothing (give weight, input, output, points, integerOnly or skip)`);
  }
  return rule as unknown as RecipeRule;
}

function parseSchedule(v: unknown): Schedule {
  if (!isObject(v)) throw new RecipeError(`recipe schedule must be an object, got ${describeValue(v)}`);
  const out: Record<string, number> = {};
  for (const [key, val] of Object.entries(v)) {
    if (!(SCHEDULE_KEYS as readonly string[]).includes(key)) {
      throw new RecipeError(`recipe schedule: unknown key '${key}' (known: ${SCHEDULE_KEYS.join(', ')})`);
    }
    if (!isScheduleValue(val)) {
      throw new RecipeError(`recipe schedule: ${key} must be a step number (an integer >= 0) or a fraction of the run (a number between 0 and 1), got ${describeValue(val)}`);
    }
    out[key] = val as number;
  }
  return out;
}

/**
 * Validates a recipe given as an object or JSON text and returns a clean copy. `"extends": "<preset>"`
 * starts from a preset; the file's rules then come after the preset's (and win). Quantizer names
 * and their options are checked later, by prepare(), against the registry.
 */
export function parseRecipe(input: unknown): Recipe {
  let v = input;
  if (typeof input === 'string') {
    try {
      v = JSON.parse(input);
    } catch (e) {
      throw new RecipeError(`recipe is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!isObject(v)) throw new RecipeError(`recipe must be an object { rules, schedule?, name?, extends? }, got ${describeValue(v)}`);
  for (const key of Object.keys(v)) {
    if (!RECIPE_KEYS.has(key)) throw new RecipeError(`recipe: unknown key '${key}' (known: ${[...RECIPE_KEYS].join(', ')})`);
  }
  if (v.name !== undefined && typeof v.name !== 'string') throw new RecipeError(`recipe name must be a string, got ${describeValue(v.name)}`);
  let base: Recipe | undefined;
  if (v.extends !== undefined) {
    if (typeof v.extends !== 'string' || !listPresets().includes(v.extends)) {
      throw new RecipeError(`recipe extends ${describeValue(v.extends)}: not a preset (presets: ${listPresets().join(', ')})`);
    }
    base = getPreset(v.extends);
  }
  const rulesIn = v.rules ?? (base ? [] : undefined);
  if (!Array.isArray(rulesIn)) throw new RecipeError(`recipe rules must be an array, got ${describeValue(v.rules)}`);
  if (rulesIn.length === 0 && !base) throw new RecipeError('recipe has no rules');
  const own: Recipe = {
    ...(typeof v.name === 'string' ? { name: v.name } : {}),
    rules: rulesIn.map((r, i) => parseRule(r, i + (base?.rules.length ?? 0))),
    ...(v.schedule !== undefined ? { schedule: parseSchedule(v.schedule) } : {}),
  };
  if (!base) return own;
  const merged = compose(base, own);
  return { ...merged, name: own.name ?? merged.name ?? v.extends };
}
