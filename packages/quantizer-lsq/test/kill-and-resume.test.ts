// Issue #15, must show: a training child process (test/kill-and-resume/train-child.mjs: LSQ QAT on the
// digits, a file checkpoint every step, resume: true) is killed with SIGKILL at random points 20
// times, each restart resuming from the newest checkpoint; the run then ends with the same weights
// and quantizer state as an uninterrupted run, bit for bit. The child is always run by `node` (on
// PATH), whichever runtime runs this test.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./kill-and-resume/train-child.mjs', import.meta.url));
const STEPS = 48;
const KILLS = 20;

interface ChildRun {
  /** The steps the child reported ("step N" lines). */
  readonly steps: number[];
  readonly killed: boolean;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the child; with `killAt`, sends SIGKILL `delayMs` after it reports a step >= killAt. */
function runChild(dir: string, out: string, killAt?: number, delayMs = 0): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [CHILD, dir, out, String(STEPS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const steps: number[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    child.stdout.on('data', (d: string) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^step (\d+)$/.exec(line);
        if (!m) continue;
        steps.push(Number(m[1]));
        if (killAt !== undefined && !killed && Number(m[1]) >= killAt) {
          killed = true;
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ steps, killed, code, stderr }));
  });
}

/** Fails with `message` (expect() takes no message under Deno's test shim). */
function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

/** A small seeded generator, so a failure can be replayed from the seed in its message. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('kill -9 at random points, then resume', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qatjs-kill-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it(`${KILLS} SIGKILLs during a ${STEPS}-step run end bit-identical to an uninterrupted run`, async () => {
    const seed = Date.now() % 1_000_000;
    const random = lcg(seed);
    const reference = await runChild(join(root, 'straight'), join(root, 'straight.json'));
    check(reference.code === 0, `the uninterrupted run failed: ${reference.stderr}`);

    const dir = join(root, 'killed');
    const out = join(root, 'killed.json');
    let reached = 0;
    let kills = 0;
    const log: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      // kill somewhere within the next few steps: before, during or after a checkpoint write
      const killAt = Math.min(STEPS - 1, reached + 1 + Math.floor(random() * 3));
      const delayMs = Math.floor(random() * 4);
      const r = await runChild(dir, out, killAt, delayMs);
      check(r.code === 0 || r.killed, `a child failed: ${r.stderr}`);
      if (r.killed && r.code !== 0) kills++;
      reached = Math.max(reached, ...r.steps);
      log.push(`kill ${i} at step >= ${killAt} + ${delayMs} ms: ran ${r.steps[0] ?? '-'}..${r.steps.at(-1) ?? '-'}`);
      const names = await readdir(dir).catch(() => [] as string[]);
      check(names.filter((n) => n.includes('.tmp-')).length <= 1, `more than the killed write's temporary file is left: ${names.join(', ')}`);
    }
    const last = await runChild(dir, out);
    const context = `seed ${seed}\n${log.join('\n')}`;
    check(last.code === 0, `the last run failed: ${last.stderr}\n${context}`);

    const a = JSON.parse(await readFile(join(root, 'straight.json'), 'utf8'));
    const b = JSON.parse(await readFile(out, 'utf8'));
    check(kills >= KILLS - 2, `only ${kills} kills landed\n${context}`); // a child may finish before its kill lands
    check(JSON.stringify(b.params) === JSON.stringify(a.params), `weights differ from the uninterrupted run\n${context}`);
    expect(b.resumedFrom).toBeGreaterThan(0);
    expect(b.steps).toBe(STEPS);
    expect(b.params).toEqual(a.params);
    expect(b.quantizers).toEqual(a.quantizers);
  });
});
