import type { Row } from './results.ts';

export interface SuiteOptions {
  /** A quick run that only proves the suite works (CI); its rows are not written. */
  readonly smoke: boolean;
}

/** A benchmark suite: `npm run bench -- <name>` runs it and writes benchmarks/results/<name>.json. */
export interface Suite {
  readonly name: string;
  readonly description: string;
  run(options: SuiteOptions): Promise<Row[]>;
}
