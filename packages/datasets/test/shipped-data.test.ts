import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHIPPED_FILES, shippedFileUrl } from '@qatjs/datasets';
import { dataUrl } from './helpers/files.ts';

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = `${dir}/${name}`;
    return statSync(p).isDirectory() ? listFiles(p, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

describe('shipped data', () => {
  const dataDir = fileURLToPath(dataUrl(''));
  const readme = readFileSync(`${dataDir}/README.md`, 'utf8');
  // Rows of data/README.md's table: | `path` | bytes | `sha256` |
  const rows = [...readme.matchAll(/^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|/gm)].map((m) => ({
    path: m[1]!,
    bytes: Number(m[2]),
    sha256: m[3]!,
  }));

  it('lists every data file in data/README.md with its true size and sha256', () => {
    const files = listFiles(dataDir).filter((f) => f !== 'README.md').sort();
    expect(rows.map((r) => r.path).sort()).toEqual(files);
    for (const r of rows) {
      const bytes = readFileSync(`${dataDir}/${r.path}`);
      expect({ path: r.path, bytes: bytes.length }).toEqual({ path: r.path, bytes: r.bytes });
      expect({ path: r.path, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ path: r.path, sha256: r.sha256 });
    }
  });

  it("ships the files byte-identical to the shared data set (the sha256 of the data set's provenance list)", () => {
    const shared: Record<string, string> = {
      'mnist/t10k-images-idx3-ubyte.gz': '167310007f03058885c7e95e6c0b19c20de5c7fd3031f4cbdadc9014a523d80b',
      'mnist/t10k-labels-idx1-ubyte.gz': 'fc607395669ec21321ea83e4b82c0544b7e8e63ff5b34337c06bc0a17cc0da3c',
      'mnist/train-images-idx3-ubyte.00000-09999.gz': '0adc27afdec4e4ca637ad51be93f4d28cd078e4e1823a66a502ec064058fc80f',
      'mnist/train-labels-idx1-ubyte.00000-09999.gz': '4e8b4ac90e302aa725dd50c14268e8630d3941e30cf889ea15dfa1a6dedf8665',
      'sklearn/digits.csv.gz': '46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a',
      'sklearn/digits.rst': '0169c12ec98069ddd16fcff040019018d8dc1549f06c9cad1cc1350df61d3b82',
      'tinyshakespeare/input.txt': '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed',
    };
    for (const [path, sha] of Object.entries(shared)) {
      const hash = createHash('sha256').update(readFileSync(`${dataDir}/${path}`)).digest('hex');
      expect({ path, hash }).toEqual({ path, hash: sha });
    }
  });

  it('resolves every shipped file name to an existing file of the package data folder', () => {
    expect(SHIPPED_FILES.length).toBe(7);
    for (const name of SHIPPED_FILES) {
      const url = shippedFileUrl(name);
      expect(url.protocol).toBe('file:');
      expect(statSync(url).size).toBeGreaterThan(0);
      expect(rows.some((r) => url.pathname.endsWith(`/data/${r.path}`))).toBe(true);
    }
    expect(() => shippedFileUrl('mnist' as never)).toThrow("unknown shipped file 'mnist'");
  });

  it('publishes the data folder in the npm package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('data');
    expect(pkg.files).toContain('dist');
  });
});
