import { QatjsError, describeValue, type Recipe } from '@qatjs/core';
import { transformerRecipe, type TransformerRecipeOptions } from './transformer-recipe.ts';

/** The transformer presets by name. */
export const TRANSFORMER_PRESETS = ['w8a8', 'w8a8-res16', 'w8a8-ibert', 'w4a8-lsq', 'w4a4-lsq'] as const;
export type TransformerPresetName = (typeof TRANSFORMER_PRESETS)[number];

export type TransformerPresetOptions = Pick<TransformerRecipeOptions, 'firstLastBits' | 'freezeObserversAt' | 'observer'>;

const PRESETS: Record<TransformerPresetName, TransformerRecipeOptions> = {
  w8a8: { wbits: 8, abits: 8 },
  // Bondarenko et al. 2021: the residual stream's outliers need more than 8 bits
  'w8a8-res16': { wbits: 8, abits: 8, residualBits: 16 },
  // w8a8-res16 with I-BERT's integer-only GELU, softmax and layer norm (Kim et al. 2021): no float
  // arithmetic left in the blocks but the float32 γ, β of the layer norms
  'w8a8-ibert': { wbits: 8, abits: 8, residualBits: 16, integerOnly: true },
  'w4a8-lsq': { wbits: 4, abits: 8, weightQuantizer: 'lsq' },
  // 4-bit activations everywhere but the residual stream, which stays at 8 bits (LSQ leaves residual adds unquantized)
  'w4a4-lsq': { wbits: 4, abits: 4, weightQuantizer: 'lsq', activationQuantizer: 'lsq', residualBits: 8 },
};

/** A known-good transformer recipe by name (see TRANSFORMER_PRESETS); options refine it. */
export function transformerPreset(name: TransformerPresetName, options: TransformerPresetOptions = {}): Recipe {
  const base = typeof name === 'string' && Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!base) throw new QatjsError(`transformerPreset: unknown preset ${describeValue(name)} (presets: ${TRANSFORMER_PRESETS.join(', ')})`);
  if (options === null || typeof options !== 'object') throw new QatjsError(`transformerPreset: options must be an object, got ${describeValue(options)}`);
  return transformerRecipe({ ...base, ...options, name: `transformer-${name}${options.firstLastBits !== undefined && options.firstLastBits !== base.wbits ? `-fl${options.firstLastBits}` : ''}` });
}
