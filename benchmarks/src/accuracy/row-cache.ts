// Finished rows of a long benchmark, one JSON line each under benchmarks/.cache/<suite>/, so an
// interrupted run resumes where it stopped (the .cache folder is not committed).
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from '../results.ts';

export const CACHE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache');

export class RowCache {
  private readonly file: string;
  private rows = new Map<string, Row>();

  constructor(readonly dir: string) {
    this.file = join(dir, 'rows.jsonl');
  }

  static async open(suite: string): Promise<RowCache> {
    const c = new RowCache(join(CACHE_ROOT, suite));
    await mkdir(c.dir, { recursive: true });
    try {
      for (const line of (await readFile(c.file, 'utf8')).split('\n')) {
        if (!line.trim()) continue;
        const { id, row } = JSON.parse(line) as { id: string; row: Row };
        c.rows.set(id, row);
      }
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    return c;
  }

  get(id: string): Row | undefined {
    return this.rows.get(id);
  }

  async put(id: string, row: Row): Promise<void> {
    this.rows.set(id, row);
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify({ id, row })}\n`);
  }
}
