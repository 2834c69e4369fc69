import { QatjsError, QuantizerOptionError, describeValue } from '../util/errors.ts';
import { Registry } from '../util/registry.ts';
import type { QuantPoint } from './quant-point.ts';
import type { Quantizer, QuantizerPlugin } from './quantizer.ts';

const quantizers = new Registry<QuantizerPlugin<unknown>>('quantizer', 'quantizers');

function hint(name: string): string {
  return `. Import its package first (by convention '@qatjs/quantizer-${name}') or call registerQuantizer()`;
}

/**
 * Makes a quantizer available to recipes under `plugin.name`. Registering the same plugin object
 * twice is a no-op; another plugin under a taken name throws unless `override` is set.
 */
export function registerQuantizer<O>(plugin: QuantizerPlugin<O>, opts?: { override?: boolean }): void {
  if (plugin !== null && typeof plugin === 'object') {
    for (const fn of ['validate', 'create'] as const) {
      if (typeof plugin[fn] !== 'function') {
        throw new QatjsError(`registerQuantizer: plugin ${JSON.stringify(plugin.name)} has no ${fn}() function`);
      }
    }
  }
  quantizers.register(plugin as QuantizerPlugin<unknown>, opts);
}

export function unregisterQuantizer(name: string): boolean {
  return quantizers.unregister(name);
}

export function listQuantizers(): string[] {
  return quantizers.names();
}

export function getQuantizerPlugin(name: string): QuantizerPlugin<unknown> {
  if (typeof name !== 'string') throw new QatjsError(`quantizer name must be a string, got ${describeValue(name)}`);
  return quantizers.get(name, hint(name));
}

/** Validates options for a quantizer by name; returns the plugin's parsed options. */
export function validateQuantizerOptions(name: string, options: Readonly<Record<string, unknown>>): unknown {
  const plugin = getQuantizerPlugin(name);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new QuantizerOptionError(`quantizer '${name}': options must be an object, got ${describeValue(options)}`);
  }
  return plugin.validate(options);
}

/** Validates the options and makes the quantizer for one point. */
export function createQuantizer(name: string, options: Readonly<Record<string, unknown>>, point: QuantPoint): Quantizer {
  const parsed = validateQuantizerOptions(name, options);
  return getQuantizerPlugin(name).create(parsed, point);
}
