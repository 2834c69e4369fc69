import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '@qatjs/test-utils';

// The README's example is test/readme-example.ts, verbatim; this runs it and checks what it prints.
describe('README', () => {
  it('shows test/readme-example.ts verbatim, and that example runs', async () => {
    const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
    const printed = await runReadmeExample(read('../README.md'), read('./readme-example.ts'), () => import('./readme-example.ts'));
    // (its first line says false in a fresh process; bun runs every test file in one, where others installed the kernels)
    expect(printed).toContain('[0,1,0,0]');
  });
});
