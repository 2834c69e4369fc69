// npm run bench -- [name ...] [--smoke]: runs the named suites (all without names) and writes
// benchmarks/results/<name>.json and .md. --smoke runs each briefly and writes nothing.
import { makeResults, writeResults } from './results.ts';
import { SUITES } from './suites/index.ts';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const names = args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !(n in SUITES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
  const suite = await (SUITES[name] as () => Promise<import('./suite.ts').Suite>)();
  console.log(`bench ${name}: ${suite.description}${smoke ? ' (smoke)' : ''}`);
  const rows = await suite.run({ smoke });
  console.table(rows);
  if (!smoke) console.log(`wrote ${await writeResults(makeResults(name, rows))}`);
}
