import type { ObserverConfig } from '../observers/registry.ts';
import { resolveObserver } from '../observers/registry.ts';
import { option, readOptions } from '../util/options.ts';
import { commonOptions, specForPoint, type CommonOptions } from './common-options.ts';
import { ObservedQuantizer } from './observed-quantizer.ts';
import type { QuantPoint } from './quant-point.ts';
import type { QuantizerPlugin } from './quantizer.ts';

export interface ObservedPluginOptions extends CommonOptions {
  /** The observer; undefined means the role's default. */
  readonly observer: ObserverConfig | undefined;
  /** Symmetric plugins: round each scale up to a power of two (default false); affine plugins have no such option. */
  readonly powerOfTwoScale?: boolean;
}

export interface ObservedPluginDefinition {
  readonly name: string;
  readonly description: string;
  /** Symmetric grids (zero point 0) or affine ones. */
  readonly symmetric: boolean;
  /** The observer when the recipe and the point (QuantPointDecl.observer) name none. Default: minMax for weights and biases, movingAverageMinMax for activations. */
  readonly defaultObserver?: (point: QuantPoint) => string;
}

const roleDefault = (point: QuantPoint): string => (point.role === 'activation' ? 'movingAverageMinMax' : 'minMax');

/**
 * Builds an observer-driven quantizer plugin: the common options plus `observer` (a name or
 * { name, ...observerOptions }), and for symmetric grids `powerOfTwoScale` (each observed scale
 * rounded up to a power of two), each point getting an ObservedQuantizer.
 */
export function observedQuantizerPlugin(def: ObservedPluginDefinition): QuantizerPlugin<ObservedPluginOptions> {
  const owner = `quantizer '${def.name}'`;
  const pickObserver = def.defaultObserver ?? roleDefault;
  return {
    name: def.name,
    description: def.description,
    validate(raw) {
      const observer = option.optional(option.custom('an observer name or { name, ...options }', (v) => v));
      const o = def.symmetric
        ? readOptions(owner, raw, { ...commonOptions, observer, powerOfTwoScale: option.boolean(false) })
        : readOptions(owner, raw, { ...commonOptions, observer });
      return { ...o, observer: o.observer === undefined ? undefined : resolveObserver(o.observer, owner) };
    },
    create(options, point) {
      const spec = specForPoint(owner, options, point, def.symmetric);
      const observer = options.observer ?? resolveObserver(point.observer ?? pickObserver(point), owner);
      return new ObservedQuantizer(def.name, point, spec, observer, { powerOfTwoScale: options.powerOfTwoScale === true });
    },
  };
}
