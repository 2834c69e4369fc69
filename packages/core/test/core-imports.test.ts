// Dependencies point one way (docs/architecture.md): core depends on @qatjs/ir and tfjs, and never
// names a quantizer, an adapter, the layer package or the command line. This reads every source file
// of core and checks each module it imports, in every form an import can take.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forbiddenImports, importSpecifiers as specifiers, sourceFiles } from '@qatjs/test-utils/imports';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FORBIDDEN = /^@qatjs\/(quantizer-[\w-]+|adapter-[\w-]+|layers|cli)(\/|$)/;

describe('@qatjs/core imports no plugin, adapter, layer package or CLI', () => {
  it('finds the module of every import form', () => {
    const sample = [
      "import { a } from '@qatjs/quantizer-uniform';",
      "import type { B } from \"@qatjs/adapter-cnn\";",
      "export { c } from '@qatjs/layers';",
      "export * from '@qatjs/cli/x';",
      "import '@qatjs/quantizer-pact';",
      "const m = await import('@qatjs/adapter-rnn');",
      'const n = await import(`@qatjs/quantizer-lsq`);',
      "import {\n  d,\n} from '@qatjs/layers';",
      "/** @example\n * import '@qatjs/quantizer-uniform';\n */",
      "// import '@qatjs/adapter-cnn'",
    ].join('\n');
    expect(specifiers(sample).filter((s) => FORBIDDEN.test(s))).toHaveLength(8); // not the two in comments
    expect(FORBIDDEN.test('@qatjs/ir')).toBe(false);
  });

  it('no source file of core imports one, and package.json depends on none', () => {
    expect(sourceFiles(join(root, 'src')).length).toBeGreaterThan(30);
    expect(forbiddenImports(join(root, 'src'), FORBIDDEN)).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
    expect(deps.filter((d) => FORBIDDEN.test(d))).toEqual([]);
  });
});
