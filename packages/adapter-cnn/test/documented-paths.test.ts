// Every layer path a model builder's doc comment names exists in the model it builds, with the kind
// the comment gives (issue #15, item 12: lenet's comment once named conv1 ... fc2, which a recipe
// could not match).
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Module } from '@qatjs/core';
import { lenet, residualCnn } from '@qatjs/adapter-cnn';
import { useBackend } from '@qatjs/test-utils';

/** The `path` (Kind) pairs after "Layer paths" in the doc comment above `export function <name>`. */
async function documentedPaths(file: string, name: string): Promise<Array<[string, string]>> {
  const text = await readFile(new URL(`../src/models/${file}`, import.meta.url), 'utf8');
  const end = text.indexOf(`export function ${name}(`);
  const comment = text.slice(text.lastIndexOf('/**', end), end);
  const listed = comment.slice(comment.indexOf('Layer paths')).replace(/\n\s*\*/g, ' ');
  return [...listed.matchAll(/`([\w.]+)` \((\w+)\)/g)].map((m) => [m[1], m[2]]);
}

const kinds = (m: Module) => [...m.namedModules()].filter(([p]) => p !== '').map(([p, mod]) => [p, mod.kind]);

describe('model builders document their real layer paths', () => {
  beforeAll(() => useBackend('cpu'));
  for (const [file, name, build] of [
    ['lenet.ts', 'lenet', () => lenet()],
    ['residual-cnn.ts', 'residualCnn', () => residualCnn()],
  ] as const) {
    it(`${name}()`, async () => {
      const documented = await documentedPaths(file, name);
      expect(documented.length).toBeGreaterThan(0);
      const model = build();
      const actual = new Map(kinds(model) as Array<[string, string]>);
      for (const [path, kind] of documented) expect([path, actual.get(path)]).toEqual([path, kind]);
      // the comment lists every layer that declares quantization points (what a recipe addresses)
      const quantizable = [...model.namedModules()].filter(([p, m]) => p !== '' && m.quantPoints().length > 0).map(([p]) => p);
      expect(quantizable.length).toBeGreaterThan(2);
      for (const p of quantizable) expect(documented.map(([d]) => d)).toContain(p);
      model.dispose();
    });
  }
});
