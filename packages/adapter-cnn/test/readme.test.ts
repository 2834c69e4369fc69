import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runReadmeExample } from '@qatjs/test-utils';

// The README's example is test/readme-example.ts, verbatim; this runs it and checks what it prints.
describe('README', () => {
  it('shows test/readme-example.ts verbatim, and that example runs', async () => {
    const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
    const printed = await runReadmeExample(read('../README.md'), read('./readme-example.ts'), () => import('./readme-example.ts'));
    expect(printed).toMatch(/^quantize -> conv2d -> maxPool -> conv2d -> maxPool -> flatten -> gemm -> gemm -> dequantize 8\d{4} bytes$/);
  });
});
