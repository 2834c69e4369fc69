import { QatjsError, getPreset, listPresets, parseRecipe, type Recipe } from '@qatjs/core';
import { badInput, usage } from './errors.ts';
import { readText } from './platform.ts';

/** `--recipe`: a preset name (w8a8, w4a4, ...) or a recipe JSON file (see docs/recipes.md). */
export async function loadRecipe(value: string): Promise<Recipe> {
  if (listPresets().includes(value)) return getPreset(value);
  if (!value.endsWith('.json')) throw usage(`--recipe: unknown preset '${value}' (presets: ${listPresets().join(', ')}; or a recipe .json file)`);
  const text = await readText(value, 'recipe file');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw badInput(`recipe file ${value}: not JSON (${(e as Error).message})`);
  }
  try {
    return parseRecipe(json);
  } catch (e) {
    if (e instanceof QatjsError) throw badInput(`recipe file ${value}: ${e.message}`);
    throw e;
  }
}
