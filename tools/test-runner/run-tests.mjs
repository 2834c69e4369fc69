#!/usr/bin/env node
// Runs one package's portable test files under Node (vitest), Bun (bun test) and Deno (deno test).
// Usage, from a package folder: node ../../tools/test-runner/run-tests.mjs [--only node|bun|deno]
// Exits non-zero if any runtime fails, after running all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const cwd = process.cwd();
const testDir = 'test';
const timeoutMs = String(Number(process.env.QATJS_TEST_TIMEOUT_MS ?? 600_000));

function findTests(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return findTests(p);
    return /\.test\.ts$/.test(name) ? [p] : [];
  });
}

const files = findTests(join(cwd, testDir)).map((f) => relative(cwd, f)).sort();
if (files.length === 0) {
  console.error(`run-tests: no *.test.ts files under ${join(cwd, testDir)}`);
  process.exit(1);
}

const runtimes = {
  node: [bin('vitest'), ['run', '--testTimeout', timeoutMs, '--hookTimeout', timeoutMs, ...files]],
  bun: [bin('bun'), ['test', '--timeout', timeoutMs, ...files.map((f) => `./${f}`)]],
  deno: [
    bin('deno'),
    ['test', '--allow-all', '--no-check', `--config=${join(root, 'deno.json')}`, ...files],
  ],
};

const onlyIdx = process.argv.indexOf('--only');
const selected = onlyIdx >= 0 ? process.argv[onlyIdx + 1].split(',') : Object.keys(runtimes);
const failed = [];
for (const name of selected) {
  const entry = runtimes[name];
  if (!entry) {
    console.error(`run-tests: unknown runtime '${name}' (node, bun, deno)`);
    process.exit(2);
  }
  console.log(`\n=== ${relative(root, cwd) || '.'}: ${name} (${files.length} test files) ===`);
  const started = Date.now();
  const r = spawnSync(entry[0], entry[1], {
    stdio: 'inherit',
    env: { ...process.env, QATJS_TEST_RUNTIME: name, NO_COLOR: '1' },
  });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) failed.push(name);
  console.log(`=== ${name}: ${r.status === 0 ? 'passed' : `FAILED (exit ${r.status ?? r.signal})`} in ${secs}s ===`);
}
if (failed.length > 0) {
  console.error(`run-tests: failed under ${failed.join(', ')}`);
  process.exit(1);
}
