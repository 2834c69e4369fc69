// `npm run bench -- <suite> --runtimes node,deno,bun`: the suite runs once per runtime, each in a child
// process started from the repository's own binaries (node_modules/.bin/deno and bun, the npm
// devDependencies; node is the one running this), which hands its rows back through a JSON file.
// Rows of one runtime are measured in one process, so ratios within a runtime hold as in a plain run.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './results.ts';

export const RUNTIMES = ['node', 'deno', 'bun'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** The child's flag: write `{ runtime, rows }` to this file instead of results/. */
export const ROWS_OUT_FLAG = '--rows-out';

export interface RuntimeRows {
  /** The child's runtimeDescription(), e.g. "deno 2.9.6". */
  readonly runtime: string;
  readonly rows: Row[];
}

/** "node,deno,bun" -> the names, each known and given once. */
export function parseRuntimes(list: string | undefined): RuntimeName[] {
  const names = (list ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length === 0) throw new Error(`--runtimes needs a comma list of ${RUNTIMES.join(', ')}`);
  for (const n of names) if (!(RUNTIMES as readonly string[]).includes(n)) throw new Error(`--runtimes: unknown runtime '${n}' (known: ${RUNTIMES.join(', ')})`);
  if (new Set(names).size !== names.length) throw new Error(`--runtimes: ${list} names a runtime twice`);
  return names as RuntimeName[];
}

const root = fileURLToPath(new URL('../..', import.meta.url));
// run.js next to the compiled runtimes.js (from src/ under a test, the built one beside it)
const runScript = fileURLToPath(new URL('../dist/run.js', import.meta.url));

/** The command that runs `script args` on `rt`. */
export function runtimeCommand(rt: RuntimeName, script: string, args: readonly string[]): [string, string[]] {
  const bin = (name: string) => join(root, 'node_modules', '.bin', name);
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (rt === 'node') return [g.Deno || g.Bun ? 'node' : process.execPath, [script, ...args]];
  if (rt === 'deno') return [bin('deno'), ['run', '--allow-all', `--config=${join(root, 'deno.json')}`, script, ...args]];
  return [bin('bun'), [script, ...args]];
}

export async function writeRowsOut(file: string, out: RuntimeRows): Promise<void> {
  await writeFile(file, JSON.stringify(out));
}

/** Runs one suite on `rt` in a child process (its output goes to ours) and returns its rows. */
export async function runInRuntime(rt: RuntimeName, suite: string, smoke: boolean, script = runScript): Promise<RuntimeRows> {
  const dir = await mkdtemp(join(tmpdir(), 'qatjs-bench-'));
  const file = join(dir, 'rows.json');
  try {
    const [cmd, args] = runtimeCommand(rt, script, [suite, ...(smoke ? ['--smoke'] : []), ROWS_OUT_FLAG, file]);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
      child.on('error', reject);
      child.on('exit', (c, signal) => resolve(c ?? (signal ? -1 : null)));
    });
    if (code !== 0) throw new Error(`bench ${suite} on ${rt} failed (exit ${code}): ${cmd} ${args.join(' ')}`);
    return JSON.parse(await readFile(file, 'utf8')) as RuntimeRows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
