// Renders Vega-Lite specs to SVG files without a browser (vega's headless SVG renderer).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export const PLOTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'plots');

export async function renderSvg(name: string, spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  await mkdir(PLOTS_DIR, { recursive: true });
  const file = join(PLOTS_DIR, `${name}.svg`);
  await writeFile(file, svg);
  return file;
}
