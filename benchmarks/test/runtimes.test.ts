// `npm run bench -- <suite> --runtimes node,deno,bun`: the option's parsing, and a real child process
// on each runtime (a stand-in script for dist/run.js, so this takes seconds, not a benchmark's minutes).
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseRuntimes, runInRuntime, RUNTIMES } from '../src/runtimes.ts';

const child = fileURLToPath(new URL('./fixtures/rows-child.mjs', import.meta.url));

describe('--runtimes', () => {
  it('parses a comma list of known runtimes and refuses anything else', () => {
    expect(parseRuntimes('node,deno,bun')).toEqual(['node', 'deno', 'bun']);
    expect(parseRuntimes(' deno ')).toEqual(['deno']);
    expect(() => parseRuntimes(undefined)).toThrow(/comma list/);
    expect(() => parseRuntimes('node,chrome')).toThrow(/unknown runtime 'chrome'/);
    expect(() => parseRuntimes('bun,bun')).toThrow(/twice/);
  });

  for (const rt of RUNTIMES) {
    it(`runs the suite in a ${rt} child process and returns its rows`, async () => {
      const out = await runInRuntime(rt, 'gemm', true, child);
      expect(out.runtime.startsWith(`${rt} `)).toBe(true);
      expect(out.rows).toEqual([{ suite: 'gemm', smoke: true, seen: rt }]);
    });
  }

  it('reports a child that fails', async () => {
    await expect(runInRuntime('node', 'fail', false, child)).rejects.toThrow(/bench fail on node failed \(exit 3\)/);
  });
});
