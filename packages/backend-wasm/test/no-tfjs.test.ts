// The deployment half must not pull tfjs in: no source file of this package imports it in any form
// (import/export from, side-effect import, dynamic import), and neither do @qatjs/ir (its only
// dependency) and @qatjs/datasets; none of them depends on it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forbiddenImports, importSpecifiers, sourceFiles } from '@qatjs/test-utils/imports';

const here = dirname(fileURLToPath(import.meta.url));
const TFJS = /^@tensorflow\//;

describe('no tfjs at run time', () => {
  it('the import scan sees every form of import', () => {
    const sample = [
      "import * as tf from '@tensorflow/tfjs-core';",
      "import '@tensorflow/tfjs-backend-wasm';",
      "export { x } from \"@tensorflow/tfjs-core\";",
      "const m = await import('@tensorflow/tfjs-backend-cpu');",
      "import type { Tensor } from '@tensorflow/tfjs-core';",
      "// import '@tensorflow/tfjs-core' (a comment)",
    ].join('\n');
    expect(importSpecifiers(sample).filter((s) => TFJS.test(s))).toHaveLength(5);
  });

  for (const pkg of ['backend-wasm', 'ir', 'datasets']) {
    it(`@qatjs/${pkg}: no import of @tensorflow/* in src, no dependency on it`, () => {
      const root = join(here, '..', '..', pkg);
      expect(sourceFiles(join(root, 'src')).length).toBeGreaterThan(5);
      expect(forbiddenImports(join(root, 'src'), TFJS)).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
      expect(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter((d) => TFJS.test(d))).toEqual([]);
    });
  }
});
