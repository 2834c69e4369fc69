// Ctrl-C during qat train keeps the last checkpoint, says how to resume, and --resume reaches the
// same final weights as a run that was never interrupted.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeCheckpoint } from '@qatjs/core';
import { BIN, qat, spawnQat, tempDir } from './helpers.ts';

const ARGS = ['--model', 'mlp', '--data', 'digits', '--epochs', '3', '--checkpoint-every', '4', '--seed', '5'];

async function params(run: string): Promise<Map<string, number[]>> {
  const c = decodeCheckpoint(new Uint8Array(await readFile(join(run, 'model.ckpt'))));
  return new Map([...c.params].map(([k, v]) => [k, Array.from(v.values)]));
}

describe('interrupting qat train and resuming it', () => {
  it('SIGINT: exit 130, a checkpoint and the resume command; --resume ends with the same weights', async () => {
    const dir = await tempDir();
    const interrupted = join(dir, 'interrupted');
    let sent = false;
    const r = await spawnQat('node', [BIN, 'train', ...ARGS, '--out', interrupted], (err, child) => {
      // plain progress lines (stdout is a pipe): stop once a line says step 13 or later is done
      const done = [...err.matchAll(/FP32 training: (\d+)\//g)].map((m) => Number(m[1]));
      if (!sent && done.some((s) => s >= 13)) {
        sent = true;
        process.kill(child.pid!, 'SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    const line = r.err.split('\n').find((l) => l.startsWith('qat:'))!;
    expect(line).toMatch(/^qat: interrupted after step (\d+) of 66; the checkpoint of step \1 is in .*checkpoints\. Resume with: qat train --model mlp --data digits --epochs 3 --out .*interrupted --batch-size 64 --seed 5 --resume$/);
    const stoppedAt = Number(/after step (\d+)/.exec(line)![1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(13);
    expect(stoppedAt).toBeLessThan(66);

    const resumed = await qat('train', ...ARGS, '--out', interrupted, '--resume', '--json');
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.out);
    expect(result.resumedFrom).toBe(stoppedAt);
    expect(result.steps).toBe(66);

    const straight = join(dir, 'straight');
    expect((await qat('train', ...ARGS, '--out', straight)).code).toBe(0);
    const a = await params(interrupted);
    const b = await params(straight);
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect([...a.keys()]).toContain('fc1.weight');
    for (const [k, v] of a) expect([k, v]).toEqual([k, b.get(k)]);
  });
});
