import { describe, expect, it } from 'vitest';
import { SUITES } from '../src/suites/index.ts';

// CI runs every suite briefly: proves each still runs and returns rows in benchmarks/README.md's format.
describe('benchmark suites (smoke)', () => {
  for (const name of Object.keys(SUITES)) {
    it(`${name} runs and returns flat rows`, async () => {
      const suite = await SUITES[name]();
      expect(suite.name).toBe(name);
      const rows = await suite.run({ smoke: true });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        for (const v of Object.values(row)) expect(['string', 'number', 'boolean'].includes(typeof v) || v === null).toBe(true);
      }
    });
  }
});
