// Ready-made recipes. They are data: they name quantizers by their registered names, and prepare()
// reports a clear error if that quantizer's package was not imported. Observer choices are left to
// each quantizer's defaults (observer-based ones: minMax for weights, moving average for activations).
import { QatjsError } from '../util/errors.ts';
import type { PointConfig, Recipe, RecipeRule } from './recipe.ts';

export interface PresetOptions {
  /** Quantizer for weights (default per preset: 'uniform', 'lsq' for w2a2). */
  readonly weightQuantizer?: string;
  /** Quantizer for activations (default per preset: 'asymmetric', 'lsq' for w2a2). */
  readonly activationQuantizer?: string;
  /**
   * Keep the first layer (its weights and the model input) and the last layer (its weights and
   * output) at this width, as the LSQ paper does. Default: same as the preset.
   */
  readonly firstLastBits?: number;
  /** Per-channel weight scales (default true). */
  readonly perChannel?: boolean;
}

interface BitsPreset {
  readonly wbits: number;
  readonly abits: number;
  readonly weightQuantizer: string;
  readonly activationQuantizer: string;
  readonly weightExtra?: Record<string, unknown>;
  readonly activationExtra?: Record<string, unknown>;
}

function buildBitsPreset(name: string, preset: BitsPreset, options: PresetOptions = {}): Recipe {
  const wq = options.weightQuantizer ?? preset.weightQuantizer;
  const aq = options.activationQuantizer ?? preset.activationQuantizer;
  const perChannel = options.perChannel ?? true;
  // Plugin-specific extras apply only to the preset's own quantizer choice.
  // Narrow int8 weights (TFLite): symmetric around 0; at fewer bits the extra code matters more.
  const weight: PointConfig = { quantizer: wq, bits: preset.wbits, perChannel, narrowRange: preset.wbits === 8, ...(wq === preset.weightQuantizer ? preset.weightExtra : {}) };
  const activation: PointConfig = { quantizer: aq, bits: preset.abits, ...(aq === preset.activationQuantizer ? preset.activationExtra : {}) };
  const rules: RecipeRule[] = [
    { match: '*', weight, output: activation },
    { match: '@first', input: activation },
  ];
  const fl = options.firstLastBits;
  if (fl !== undefined && (fl !== preset.wbits || fl !== preset.abits)) {
    rules.push({ match: '@first', weight: { bits: fl }, input: { bits: fl } });
    rules.push({ match: '@last', weight: { bits: fl }, output: { bits: fl } });
  }
  const suffix = fl !== undefined && fl !== preset.wbits ? `-fl${fl}` : '';
  return { name: `${name}${suffix}`, rules };
}

const BITS_PRESETS: Record<string, BitsPreset> = {
  w8a8: { wbits: 8, abits: 8, weightQuantizer: 'uniform', activationQuantizer: 'asymmetric' },
  w4a8: { wbits: 4, abits: 8, weightQuantizer: 'uniform', activationQuantizer: 'asymmetric' },
  w4a4: { wbits: 4, abits: 4, weightQuantizer: 'uniform', activationQuantizer: 'asymmetric' },
  w2a2: { wbits: 2, abits: 2, weightQuantizer: 'lsq', activationQuantizer: 'lsq' },
  // TFLite-like: int8 per-channel symmetric weights on the narrow range, int8 affine activations,
  // plain running min/max.
  'w8a8-minmax': {
    wbits: 8,
    abits: 8,
    weightQuantizer: 'uniform',
    activationQuantizer: 'asymmetric',
    activationExtra: { observer: 'minMax', signed: true },
  },
};

export function listPresets(): string[] {
  return Object.keys(BITS_PRESETS);
}

/** A preset recipe by name ('w8a8', 'w4a8', 'w4a4', 'w2a2', 'w8a8-minmax'). */
export function getPreset(name: string, options: PresetOptions = {}): Recipe {
  const preset = typeof name === 'string' && Object.hasOwn(BITS_PRESETS, name) ? BITS_PRESETS[name] : undefined;
  if (!preset) throw new QatjsError(`unknown preset ${JSON.stringify(name)} (presets: ${listPresets().join(', ')})`);
  if (options.firstLastBits !== undefined && !(Number.isInteger(options.firstLastBits) && options.firstLastBits >= 2 && options.firstLastBits <= 16)) {
    throw new QatjsError(`preset '${name}': firstLastBits must be an integer in 2..16, got ${options.firstLastBits}`);
  }
  return buildBitsPreset(name, preset, options);
}
