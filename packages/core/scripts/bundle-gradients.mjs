// tfjs-core registers no gradients when imported alone, and its unbundled
// register_all_gradients.js uses extension-less imports that only Bun resolves.
// esbuild turns it into one self-contained ES module that loads on Node, Deno and Bun. It carries
// its own copies of the ops the gradients call; they reach the one shared engine through globalThis.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tfjsDist = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));

await build({
  entryPoints: [join(tfjsDist, 'dist', 'register_all_gradients.js')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  minifySyntax: true,
  legalComments: 'inline',
  outfile: join(here, '..', 'dist', 'generated', 'tfjs-gradients.js'),
  logLevel: 'warning',
});
