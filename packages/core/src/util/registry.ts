import { QatjsError } from './errors.ts';

export interface Named {
  readonly name: string;
}

/**
 * A name -> plugin map kept on globalThis under a well-known symbol, like tfjs's kernel registry:
 * two copies of @qatjs/core in one process (a bundler's duplicate, a test runner's second graph)
 * still share one set of plugins.
 */
export class Registry<P extends Named> {
  private readonly map: Map<string, P>;

  constructor(
    private readonly kind: string,
    key: string,
  ) {
    const g = globalThis as unknown as Record<symbol, Map<string, P> | undefined>;
    const sym = Symbol.for(`qatjs.registry.${key}`);
    this.map = g[sym] ??= new Map<string, P>();
  }

  register(plugin: P, opts: { override?: boolean } = {}): void {
    if (plugin === null || typeof plugin !== 'object') throw new QatjsError(`register ${this.kind}: expected a plugin object`);
    const { name } = plugin;
    if (typeof name !== 'string' || !/^[A-Za-z][\w.+-]*$/.test(name)) {
      throw new QatjsError(`register ${this.kind}: name must start with a letter and hold only letters, digits, '_', '.', '+', '-'; got ${JSON.stringify(name)}`);
    }
    const existing = this.map.get(name);
    if (existing === plugin) return;
    if (existing && !opts.override) {
      throw new QatjsError(`register ${this.kind}: '${name}' is already registered by another plugin (pass { override: true } to replace it)`);
    }
    this.map.set(name, plugin);
  }

  unregister(name: string): boolean {
    return this.map.delete(name);
  }

  get(name: string, hint = ''): P {
    const p = this.map.get(name);
    if (!p) {
      const known = [...this.map.keys()].sort().join(', ') || '(none)';
      throw new QatjsError(`unknown ${this.kind} ${JSON.stringify(name)}; registered: ${known}${hint}`);
    }
    return p;
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  names(): string[] {
    return [...this.map.keys()].sort();
  }
}
