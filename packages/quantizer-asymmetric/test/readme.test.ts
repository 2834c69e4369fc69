import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '@qatjs/test-utils';

// The README's example is test/readme-example.ts, verbatim; this runs it and checks what it prints.
describe('README', () => {
  it('shows test/readme-example.ts verbatim, and that example runs', async () => {
    const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
    const printed = await runReadmeExample(read('../README.md'), read('./readme-example.ts'), () => import('./readme-example.ts'));
    const { scale, zeroPoint } = JSON.parse(printed.split('\n').at(-1)!) as { scale: Record<string, number>; zeroPoint: Record<string, number> };
    expect([scale['0'], zeroPoint['0']]).toEqual([Math.fround(3.17 / 255), 14]);
  });
});
