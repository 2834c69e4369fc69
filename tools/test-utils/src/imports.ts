// Reads which modules a package's sources import, for the tests that keep dependencies pointing one
// way (docs/architecture.md): no tfjs in the runtime half, no plugin or adapter in core.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every .ts file under `dir`, recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/**
 * Every module specifier in `text` outside comments, in every form an import takes: import/export
 * ... from, side-effect `import 'x'`, dynamic `import('x')` (also with a template literal), import type.
 */
export function importSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*(['"`])([^'"`]+)\1/g)].map((m) => m[2]);
}

/** `file: specifier` for each import under `dir`'s sources that `forbidden` matches. */
export function forbiddenImports(dir: string, forbidden: RegExp): string[] {
  return sourceFiles(dir).flatMap((f) => importSpecifiers(readFileSync(f, 'utf8')).filter((s) => forbidden.test(s)).map((s) => `${f}: ${s}`));
}
