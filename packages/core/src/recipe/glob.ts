import { RecipeError } from '../util/errors.ts';

/** Special selectors that are not globs. */
export const POSITIONAL = ['@first', '@last'] as const;

/** Compiles a glob: `**` any run of characters, `*` any run without '.', `?` one character but '.'. */
export function compileGlob(pattern: string): RegExp {
  if (typeof pattern !== 'string' || pattern.length === 0) throw new RecipeError(`match pattern must be a non-empty string, got ${JSON.stringify(pattern)}`);
  if (pattern.startsWith('@') && !(POSITIONAL as readonly string[]).includes(pattern)) {
    throw new RecipeError(`unknown selector ${JSON.stringify(pattern)} (known: ${POSITIONAL.join(', ')})`);
  }
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^.]*';
    else if (ch === '?') re += '[^.]';
    else re += ch.replace(/[\\^$+.()|{}[\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface LayerRef {
  readonly path: string;
  readonly kind: string;
  readonly first: boolean;
  readonly last: boolean;
}

/** True if `pattern` selects the layer: by position, or as a glob on its path or on its kind. */
export function matchesLayer(pattern: string, re: RegExp, layer: LayerRef): boolean {
  if (pattern === '@first') return layer.first;
  if (pattern === '@last') return layer.last;
  return re.test(layer.path) || re.test(layer.kind);
}
