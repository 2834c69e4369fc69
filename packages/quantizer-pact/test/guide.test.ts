import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/guides/writing-a-quantizer.md promises that its code is the package's own: every ts and json
// block must appear verbatim in this package's sources, tests, package.json or README, or in the
// LSQ package's sources (which the guide quotes for gradScale).
const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const tsFiles = (dir: string) => readdirSync(new URL(dir, root)).filter((f) => f.endsWith('.ts')).map((f) => `${dir}${f}`);

describe('the writing-a-quantizer guide', () => {
  it('quotes only real code: each ts and json block is verbatim in a package file', () => {
    const guide = read('docs/guides/writing-a-quantizer.md');
    const sources = [
      ...tsFiles('packages/quantizer-pact/src/'),
      ...tsFiles('packages/quantizer-pact/test/'),
      'packages/quantizer-pact/package.json',
      'packages/quantizer-pact/README.md',
      ...tsFiles('packages/quantizer-lsq/src/'),
    ].map(read);
    const blocks = [...guide.matchAll(/^```(ts|json)\n([\s\S]*?)^```$/gm)].map((m) => m[2]);
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      if (!sources.some((s) => s.includes(block))) throw new Error(`the guide quotes code found in no package file:\n${block}`);
    }
  });
});
