import type { Module, ModuleOutput } from './module/module.ts';
import { QuantController } from './module/quant-controller.ts';
import type { QuantPoint } from './quantizer/quant-point.ts';
import type { Quantizer } from './quantizer/quantizer.ts';
import { createQuantizer, getQuantizerPlugin } from './quantizer/registry.ts';
import { compileGlob, matchesLayer, type LayerRef } from './recipe/glob.ts';
import { parseRecipe } from './recipe/parse-recipe.ts';
import { getPreset } from './recipe/presets.ts';
import { describeRule, ruleEntries, type PointConfig, type Recipe } from './recipe/recipe.ts';
import { QatjsError, RecipeError } from './util/errors.ts';

export interface PrepareOptions {
  /** Receives each warning (rules that match nothing...). Default: console.warn. */
  readonly onWarning?: (message: string) => void;
}

export interface PreparedPoint {
  readonly label: string;
  readonly quantizer: string;
  readonly bits: number;
  readonly perChannel: boolean;
  /** Indices of the rules that contributed to this point's settings. */
  readonly rules: readonly number[];
}

/** A layer that got quantizers: its path, its kind, and its points that did (in declaration order). */
export interface PreparedLayer {
  readonly path: string;
  readonly kind: string;
  readonly points: readonly string[];
}

export interface PrepareReport {
  readonly recipe: Recipe;
  readonly points: readonly PreparedPoint[];
  /** The layers that got quantizers, with their kinds and points: what the rules matched. */
  readonly layers: readonly PreparedLayer[];
  /** Layers that declare points but got no quantizer. */
  readonly unquantizedLayers: readonly string[];
  /** Paths of the layers whose nonlinearity runs integer-only (rules' `integerOnly`). */
  readonly integerOnlyLayers: readonly string[];
  readonly warnings: readonly string[];
}

interface Layer extends LayerRef {
  readonly module: Module<ModuleOutput>;
  readonly points: QuantPoint[];
}

function layersOf(model: Module<ModuleOutput>): Layer[] {
  const found = [...model.namedModules()].map(([path, module]) => ({ path, module, points: module.placedPoints(path) }));
  const withPoints = found.filter((l) => l.points.length > 0);
  const weighted = withPoints.filter((l) => l.points.some((p) => p.name === 'weight'));
  const first = weighted[0]?.module;
  const last = weighted[weighted.length - 1]?.module;
  return withPoints.map((l) => ({ ...l, kind: l.module.kind, first: l.module === first, last: l.module === last }));
}

interface Resolved {
  config: PointConfig;
  rules: number[];
}

function ruleMatches(rule: Recipe['rules'][number], compiled: RegExp[], layer: Layer): boolean {
  const patterns = typeof rule.match === 'string' ? [rule.match] : rule.match;
  return patterns.some((p, j) => matchesLayer(p, compiled[j], layer));
}

/** Applies the rules in order to one layer: the merged settings of each rule key it meets. */
function resolveKeys(layer: Layer, recipe: Recipe, compiled: RegExp[][], used: boolean[], touched: boolean[], wanted: Set<string>): Map<string, Resolved | null> {
  const out = new Map<string, Resolved | null>();
  recipe.rules.forEach((rule, i) => {
    if (!ruleMatches(rule, compiled[i], layer)) return;
    used[i] = true;
    if (rule.skip) {
      out.clear();
      touched[i] = true;
    }
    for (const [name, cfg] of ruleEntries(rule)) {
      if (!wanted.has(name)) continue;
      touched[i] = true;
      if (cfg === null) {
        out.set(name, null);
        continue;
      }
      const prev = out.get(name);
      const restart = !prev || (cfg.quantizer !== undefined && cfg.quantizer !== prev.config.quantizer);
      out.set(name, restart ? { config: { ...cfg }, rules: [i] } : { config: { ...prev.config, ...cfg }, rules: [...prev.rules, i] });
    }
  });
  return out;
}

/** The last `integerOnly` the rules matching this layer set, if any (marking those rules used and touched). */
function resolveIntegerOnly(layer: Layer, recipe: Recipe, compiled: RegExp[][], touched: boolean[]): boolean | undefined {
  let on: boolean | undefined;
  recipe.rules.forEach((rule, i) => {
    if (rule.integerOnly === undefined || !layer.module.hasIntegerOnlyForm || !ruleMatches(rule, compiled[i], layer)) return;
    touched[i] = true;
    on = rule.integerOnly;
  });
  return on;
}

/**
 * The settings of each declared point of one layer: what rules name it, on top of what it inherits
 * (QuantPointDecl.inherits: the settings of its `from` key with `set` on top).
 */
function resolveLayer(layer: Layer, recipe: Recipe, compiled: RegExp[][], used: boolean[], touched: boolean[]): Map<string, Resolved | null> {
  const wanted = new Set(layer.points.map((p) => p.name));
  for (const p of layer.points) if (p.inherits) wanted.add(p.inherits.from);
  const keys = resolveKeys(layer, recipe, compiled, used, touched, wanted);
  const out = new Map<string, Resolved | null>();
  for (const p of layer.points) {
    const own = keys.get(p.name);
    const base = p.inherits ? keys.get(p.inherits.from) : undefined;
    if (own === null || (own === undefined && !base)) {
      if (own === null) out.set(p.name, null);
      continue;
    }
    if (!base || !p.inherits) {
      out.set(p.name, own as Resolved);
      continue;
    }
    const inherited: Resolved = { config: { ...base.config, ...(p.inherits.set ?? {}) }, rules: base.rules };
    if (!own) out.set(p.name, inherited);
    else if (own.config.quantizer !== undefined && own.config.quantizer !== inherited.config.quantizer) out.set(p.name, own);
    else out.set(p.name, { config: { ...inherited.config, ...own.config }, rules: [...new Set([...inherited.rules, ...own.rules])].sort((a, b) => a - b) });
  }
  return out;
}

/**
 * Attaches quantizers to a model's declared points as the recipe (or a preset's name) says, and
 * puts the model under a fresh QuantController. Every quantizer name and option is validated before
 * anything is attached: a bad recipe leaves the model untouched.
 *
 * @example
 * import '@qatjs/quantizer-uniform';
 * import '@qatjs/quantizer-asymmetric';
 * const report = prepare(model, 'w8a8');
 */
export function prepare(model: Module<ModuleOutput>, recipe: Recipe | string, options: PrepareOptions = {}): PrepareReport {
  if (model === null || typeof model !== 'object' || typeof (model as Module<ModuleOutput>).namedModules !== 'function') {
    throw new QatjsError('prepare: model must be a Module');
  }
  if (model.quantController) throw new QatjsError('prepare: the model is already prepared (call unprepare(model) first)');
  const r = typeof recipe === 'string' ? getPreset(recipe) : parseRecipe(recipe);
  const compiled = r.rules.map((rule) => (typeof rule.match === 'string' ? [rule.match] : rule.match).map((m) => compileGlob(m)));
  // Fail early on unknown quantizers, naming the rule.
  r.rules.forEach((rule, i) => {
    for (const [name, cfg] of ruleEntries(rule)) {
      if (cfg?.quantizer === undefined) continue;
      try {
        getQuantizerPlugin(cfg.quantizer);
      } catch (e) {
        throw new RecipeError(`recipe ${describeRule(rule, i)}: ${name}: ${(e as Error).message}`);
      }
    }
  });

  const layers = layersOf(model);
  const used = r.rules.map(() => false);
  const touched = r.rules.map(() => false);
  const planned: Array<{ layer: Layer; point: QuantPoint; resolved: Resolved }> = [];
  const unquantizedLayers: string[] = [];
  const integerOnly: Array<[Layer, boolean]> = [];
  for (const layer of layers) {
    const io = resolveIntegerOnly(layer, r, compiled, touched);
    if (io !== undefined) integerOnly.push([layer, io]);
    const settings = resolveLayer(layer, r, compiled, used, touched);
    let any = false;
    for (const point of layer.points) {
      const resolved = settings.get(point.name);
      if (!resolved) continue;
      planned.push({ layer, point, resolved });
      any = true;
    }
    if (!any) unquantizedLayers.push(layer.path || '<root>');
  }

  // A switch that reaches no layer would leave the user believing the model is integer-only.
  r.rules.forEach((rule, i) => {
    if (rule.integerOnly === true && !integerOnly.some(([l]) => ruleMatches(rule, compiled[i], l))) {
      throw new RecipeError(`recipe ${describeRule(rule, i)}: integerOnly matches no layer with an integer-only form (layers that have one: ${layers.filter((l) => l.module.hasIntegerOnlyForm).map((l) => l.kind).filter((k, j, a) => a.indexOf(k) === j).join(', ') || 'none in this model'})`);
    }
  });

  // Make every quantizer before attaching any, so an error leaves the model as it was.
  const made: Array<{ layer: Layer; point: QuantPoint; q: Quantizer; resolved: Resolved }> = [];
  try {
    for (const { layer, point, resolved } of planned) {
      const { quantizer, ...opts } = resolved.config;
      const from = `recipe rule${resolved.rules.length > 1 ? 's' : ''} ${resolved.rules.join(', ')}`;
      if (quantizer === undefined) throw new RecipeError(`point '${point.label}': ${from} set options but no quantizer`);
      try {
        const q = createQuantizer(quantizer, opts, point);
        made.push({ layer, point, resolved, q });
        const problem = point.check?.(q);
        if (problem !== undefined) throw new RecipeError(`quantizer '${quantizer}' cannot quantize this point: ${problem}`);
      } catch (e) {
        if (!(e instanceof QatjsError)) throw e;
        throw new RecipeError(`point '${point.label}' (${from}): ${e.message}`);
      }
    }
  } catch (e) {
    for (const m of made) m.q.dispose();
    throw e;
  }

  const controller = new QuantController();
  model.setController(controller);
  for (const { layer, point, q } of made) layer.module.attachQuantizer(point.name, q);
  for (const [layer, on] of integerOnly) layer.module.setIntegerOnly(on);
  controller.schedule = r.schedule ?? {};

  const warnings: string[] = [];
  r.rules.forEach((rule, i) => {
    if (!used[i]) warnings.push(`recipe ${describeRule(rule, i)} matches no layer with quantization points`);
    else if (!touched[i]) {
      const names = [...ruleEntries(rule).map(([n]) => `'${n}'`), ...(rule.integerOnly === undefined ? [] : ['an integer-only form'])].join(', ');
      warnings.push(`recipe ${describeRule(rule, i)} matches layers, but none declares ${names}`);
    }
  });
  const warn = options.onWarning ?? ((m: string) => console.warn(`qatjs: ${m}`));
  for (const w of warnings) warn(w);

  return {
    recipe: r,
    points: made.map(({ point, q, resolved }) => ({
      label: point.label,
      quantizer: q.quantizer,
      bits: q.spec.bits,
      perChannel: q.spec.axis !== undefined,
      rules: resolved.rules,
    })),
    layers: preparedLayers(made),
    unquantizedLayers,
    integerOnlyLayers: integerOnly.filter(([, on]) => on).map(([l]) => l.path || '<root>'),
    warnings,
  };
}

function preparedLayers(made: ReadonlyArray<{ layer: Layer; point: QuantPoint }>): PreparedLayer[] {
  const byPath = new Map<string, { path: string; kind: string; points: string[] }>();
  for (const { layer, point } of made) {
    const entry = byPath.get(layer.path) ?? { path: layer.path || '<root>', kind: layer.kind, points: [] };
    entry.points.push(point.name);
    byPath.set(layer.path, entry);
  }
  return [...byPath.values()];
}

/** Removes every quantizer and the controller: the model is a plain float model again. */
export function unprepare(model: Module<ModuleOutput>): void {
  model.detachQuantizers();
}
