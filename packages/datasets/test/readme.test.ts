import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README's example is test/readme-example.ts, verbatim; this runs it and checks what it prints.
describe('README', () => {
  it('shows test/readme-example.ts verbatim, and that example runs', async () => {
    const read = (file: string) => readFileSync(new URL(file, import.meta.url), 'utf8');
    expect(read('../README.md')).toContain('```ts\n' + read('./readme-example.ts') + '```\n');
    const printed: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    try {
      await import('./readme-example.ts');
    } finally {
      console.log = log;
    }
    expect(printed[0]).toBe('[10000,28,28,1] [1000,28,28,1] {"0":5,"1":0,"2":4,"3":1,"4":9,"5":2,"6":1,"7":3,"8":1,"9":4}');
    expect(printed).toContain('[100,28,28,1]');
    expect(printed).toContain('epoch 1: 10000 samples');
    expect(printed).toContain('65 1003854 111540');
  });
});
