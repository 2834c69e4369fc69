// The README's example is this package's src/readme.ts, word for word, and it runs.
import { readFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const between = (text: string, start: string, end: string) => {
  const from = text.indexOf(start) + start.length;
  return text.slice(from, text.indexOf(end, from)).trim();
};

describe('the README example', () => {
  it('is src/readme.ts, word for word', async () => {
    const readme = await readFile(new URL('README.md', root), 'utf8');
    const program = await readFile(new URL('examples/src/readme.ts', root), 'utf8');
    const shown = between(readme, '```ts\n', '\n```');
    expect(shown).toBe(between(program, '// --- README example start\n', '// --- README example end'));
  });

  it('runs: QAT, convert, the int runtime', () => {
    const r = spawnSync('node', [fileURLToPath(new URL('examples/dist/readme.js', root))], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const acc = Number(/fake-quant accuracy ([\d.]+)%/.exec(r.stdout)?.[1]);
    expect(acc).toBeGreaterThan(85);
    expect(r.stdout).toMatch(/^\d+ quantization points/);
    expect(r.stdout).toMatch(/int8 logits of the first test image: (-?[\d.]+ ){10}\(label 7\)/);
  });
});
