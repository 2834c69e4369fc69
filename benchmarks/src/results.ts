// Benchmark results in the format benchmarks/README.md specifies: benchmarks/results/<name>.json with
// { name, date, runtime, cpu, rows } (rows flat), and a Markdown table beside it.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Row = Record<string, string | number | boolean | null>;

export interface Results {
  readonly name: string;
  readonly date: string;
  readonly runtime: string;
  readonly cpu: string;
  readonly rows: readonly Row[];
}

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function runtimeDescription(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string }; process?: { version: string } };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  return `node ${g.process?.version ?? '?'}`;
}

export function makeResults(name: string, rows: readonly Row[]): Results {
  const cpu = cpus();
  return { name, date: new Date().toISOString(), runtime: runtimeDescription(), cpu: `${cpu[0]?.model ?? 'unknown'} (${cpu.length} cores)`, rows };
}

function formatCell(v: Row[string]): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return v === null ? '' : String(v);
}

export function toMarkdown(r: Results): string {
  const cols = [...new Set(r.rows.flatMap((row) => Object.keys(row)))];
  const lines = [
    `# ${r.name}`,
    '',
    `${r.date} · ${r.runtime} · ${r.cpu}`,
    '',
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...r.rows.map((row) => `| ${cols.map((c) => formatCell(row[c] ?? null)).join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}

export async function writeResults(r: Results, dir = RESULTS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, r.name);
  await writeFile(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  await writeFile(`${base}.md`, toMarkdown(r));
  return `${base}.json`;
}
