import { usage } from '../errors.ts';

/** What `--data` names: a shipped set, or files on disk. */
export type DataSpec =
  | { readonly kind: 'mnist' | 'digits' | 'shakespeare' }
  | { readonly kind: 'idx'; readonly files: readonly [string, string, string, string] }
  | { readonly kind: 'csv' | 'text'; readonly file: string };

export const DATA_HELP =
  "mnist | digits | shakespeare (shipped) | idx:<train-images>,<train-labels>,<test-images>,<test-labels> | csv:<file> (last column: the class) | text:<file>";

/** Parses a `--data` value; a bad one is a usage error naming the forms. */
export function parseDataSpec(value: string): DataSpec {
  if (value === 'mnist' || value === 'digits' || value === 'shakespeare') return { kind: value };
  const colon = value.indexOf(':');
  const kind = colon > 0 ? value.slice(0, colon) : '';
  const rest = value.slice(colon + 1);
  if (kind === 'idx') {
    const files = rest.split(',');
    if (files.length !== 4 || files.some((f) => f === '')) {
      throw usage(`--data idx: needs 4 comma-separated files <train-images>,<train-labels>,<test-images>,<test-labels>, got ${files.filter((f) => f).length}`);
    }
    return { kind, files: files as [string, string, string, string] };
  }
  if (kind === 'csv' || kind === 'text') {
    if (rest === '') throw usage(`--data ${kind}: needs a file, as ${kind}:<file>`);
    return { kind, file: rest };
  }
  throw usage(`--data: unknown data set '${value}' (expected ${DATA_HELP})`);
}

/** The spec written back as the `--data` value (for run.json and the resume hint). */
export function formatDataSpec(spec: DataSpec): string {
  if (spec.kind === 'idx') return `idx:${spec.files.join(',')}`;
  if (spec.kind === 'csv' || spec.kind === 'text') return `${spec.kind}:${spec.file}`;
  return spec.kind;
}
