import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README's example is test/readme-example.ts, verbatim; this runs it.
describe('README', () => {
  it('shows test/readme-example.ts verbatim, and that example runs: it learns, and the int8 model generates the same text', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');
    expect(readme).toContain('```ts\n' + example + '```\n');
    const { bpc, intText, fakeQuantText } = await import('./readme-example.ts');
    expect(bpc).toBeLessThan(4.6);
    expect(intText).toBe(fakeQuantText);
    expect(intText.length).toBe(60);
  });
});
