import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README's example is test/readme-example.ts, verbatim; this runs it.
describe('README', () => {
  it('shows test/readme-example.ts verbatim, and that example runs', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');
    expect(readme).toContain('```ts\n' + example + '```\n');
    await import('./readme-example.ts');
  });
});
