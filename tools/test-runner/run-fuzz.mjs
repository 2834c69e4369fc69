#!/usr/bin/env node
// `npm run fuzz`: runs every package's fuzz tests (test/fuzz-*.test.ts, built on
// tools/test-utils/src/fuzz.ts) under Node with QATJS_FUZZ_RUNS cases per entry point (default
// 100,000; `npm run fuzz -- 5000` for fewer), then writes benchmarks/results/fuzz.json and fuzz.md.
// Exits non-zero if any case failed. Build first (the root script does).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`run-fuzz: the case count must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}

const dirs = [...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p)), join(root, 'benchmarks')];
const suites = dirs
  .map((dir) => ({ dir, files: existsSync(join(dir, 'test')) ? readdirSync(join(dir, 'test')).filter((f) => /^fuzz-.*\.test\.ts$/.test(f)).sort() : [] }))
  .filter((s) => s.files.length > 0);

const tmp = mkdtempSync(join(tmpdir(), 'qatjs-fuzz-'));
const report = join(tmp, 'rows.jsonl');
writeFileSync(report, '');
const failedSuites = [];
for (const { dir, files } of suites) {
  console.log(`\n=== fuzz ${relative(root, dir)}: ${files.join(', ')} (${runs} cases per entry point) ===`);
  const r = spawnSync(join(root, 'node_modules', '.bin', 'vitest'), ['run', '--testTimeout', '3600000', ...files.map((f) => `test/${f}`)], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, QATJS_FUZZ_RUNS: String(runs), QATJS_FUZZ_REPORT: report, QATJS_TEST_RUNTIME: 'node', NO_COLOR: '1' },
  });
  if (r.status !== 0) failedSuites.push(relative(root, dir));
}

const rows = readFileSync(report, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
rmSync(tmp, { recursive: true, force: true });
const cpu = `${(cpus()[0]?.model ?? 'unknown').trim()} (${cpus().length} cores)`;
const result = { name: 'fuzz', date: new Date().toISOString(), runtime: `node ${process.version}`, cpu, rows };
const out = join(root, 'benchmarks', 'results');
writeFileSync(join(out, 'fuzz.json'), `${JSON.stringify(result, null, 2)}\n`);
const md = [
  '# fuzz',
  '',
  `${result.date} · ${result.runtime} · ${cpu}`,
  '',
  'Property-based fuzzing (fast-check) of the entry points that take user data: each case must work or throw',
  "the package's error class (a QatjsError), never another error, a hang or a leak. `npm run fuzz`; the tests",
  'are the `test/fuzz-*.test.ts` files of each package.',
  '',
  '| entryPoint | cases | failures | seconds |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.entryPoint} | ${r.cases} | ${r.failures} | ${r.seconds.toFixed(1)} |`),
  '',
].join('\n');
writeFileSync(join(out, 'fuzz.md'), md);
console.log(`\n${md}`);
const failures = rows.reduce((s, r) => s + r.failures, 0);
if (failedSuites.length > 0 || failures > 0) {
  console.error(`run-fuzz: ${failures} failing entry point(s); suites that failed: ${failedSuites.join(', ') || 'none'}`);
  process.exit(1);
}
