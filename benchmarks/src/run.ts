// npm run bench -- [name ...] [--smoke] [--runtimes node,deno,bun]: runs the named suites (all without
// names) and writes benchmarks/results/<name>.json and .md. --smoke runs each briefly and writes nothing.
// --runtimes runs each suite once per runtime, each in a child process of its own (runtimes.ts), and
// writes one results file whose rows carry the runtime's name.
import { makeResults, runtimeDescription, writeResults, type Row } from './results.ts';
import { parseRuntimes, runInRuntime, ROWS_OUT_FLAG, writeRowsOut } from './runtimes.ts';
import { SUITES } from './suites/index.ts';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const runtimesAt = args.indexOf('--runtimes');
const runtimes = runtimesAt >= 0 ? parseRuntimes(args[runtimesAt + 1]) : null;
const rowsOutAt = args.indexOf(ROWS_OUT_FLAG);
const rowsOut = rowsOutAt >= 0 ? args[rowsOutAt + 1] : null;
const valued = new Set([runtimesAt + 1, rowsOutAt + 1].filter((i) => i > 0));
const names = args.filter((a, i) => !a.startsWith('--') && !valued.has(i));
const unknown = names.filter((n) => !(n in SUITES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
  let rows: Row[];
  let runtime = runtimeDescription();
  if (runtimes) {
    console.log(`bench ${name} on ${runtimes.join(', ')}${smoke ? ' (smoke)' : ''}`);
    rows = [];
    const descriptions: string[] = [];
    for (const rt of runtimes) {
      const out = await runInRuntime(rt, name, smoke);
      descriptions.push(out.runtime);
      rows.push(...out.rows.map((row) => ({ ...row, runtime: rt })));
      // after each runtime, so a long run keeps what it measured if a later runtime fails or is stopped
      if (!smoke && !rowsOut) console.log(`wrote ${await writeResults({ ...makeResults(name, rows), runtime: descriptions.join(', ') })}`);
    }
    runtime = descriptions.join(', ');
  } else {
    const suite = await (SUITES[name] as () => Promise<import('./suite.ts').Suite>)();
    console.log(`bench ${name}: ${suite.description}${smoke ? ' (smoke)' : ''}`);
    rows = await suite.run({ smoke });
  }
  console.table(rows);
  if (rowsOut) await writeRowsOut(rowsOut, { runtime, rows });
  else if (!smoke && !runtimes) console.log(`wrote ${await writeResults(makeResults(name, rows))}`);
}
