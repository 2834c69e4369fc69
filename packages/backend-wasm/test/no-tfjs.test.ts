// The deployment half must not pull tfjs in: no source file of this package imports it, and
// neither does @qatjs/ir (its only dependency).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('no tfjs at run time', () => {
  for (const pkg of ['backend-wasm', 'ir']) {
    it(`@qatjs/${pkg}: no import of @tensorflow/* in src, no dependency on it`, () => {
      const root = join(here, '..', '..', pkg);
      const files = sources(join(root, 'src'));
      expect(files.length).toBeGreaterThan(5);
      const offenders = files.filter((f) => /from\s+['"]@tensorflow\/|import\(\s*['"]@tensorflow\//.test(readFileSync(f, 'utf8')));
      expect(offenders).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      expect(Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@tensorflow/'))).toEqual([]);
    });
  }
});
