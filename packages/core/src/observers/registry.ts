import { QuantizerOptionError, describeValue } from '../util/errors.ts';
import { Registry } from '../util/registry.ts';
import { minMaxObserver } from './min-max.ts';
import { movingAverageMinMaxObserver } from './moving-average-min-max.ts';
import { mseObserver } from './mse.ts';
import type { Observer, ObserverContext, ObserverPlugin } from './observer.ts';
import { percentileObserver } from './percentile.ts';

const observers = new Registry<ObserverPlugin<unknown>>('observer', 'observers');
for (const p of [minMaxObserver, movingAverageMinMaxObserver, percentileObserver, mseObserver]) {
  observers.register(p as ObserverPlugin<unknown>);
}

/** Adds an observer kind that quantizers can then name in their `observer` option. */
export function registerObserver<O>(plugin: ObserverPlugin<O>, opts?: { override?: boolean }): void {
  observers.register(plugin as ObserverPlugin<unknown>, opts);
}

export function listObservers(): string[] {
  return observers.names();
}

/** An observer choice as written in options: a name, or { name, ...observerOptions }. */
export type ObserverChoice = string | ({ readonly name: string } & Readonly<Record<string, unknown>>);

/** A validated observer choice, ready to create observers from. */
export interface ObserverConfig {
  readonly name: string;
  readonly options: unknown;
}

/** Validates an observer choice now, so a bad recipe fails at prepare, not at the first batch. */
export function resolveObserver(choice: unknown, owner: string): ObserverConfig {
  let name: unknown = choice;
  let raw: Record<string, unknown> = {};
  if (choice !== null && typeof choice === 'object' && !Array.isArray(choice)) {
    ({ name, ...raw } = choice as Record<string, unknown>);
  }
  if (typeof name !== 'string') {
    throw new QuantizerOptionError(`${owner}: option 'observer' must be an observer name or { name, ...options }, got ${describeValue(choice)}`);
  }
  let plugin: ObserverPlugin<unknown>;
  try {
    plugin = observers.get(name);
  } catch (e) {
    throw new QuantizerOptionError(`${owner}: option 'observer': ${(e as Error).message}`);
  }
  return { name, options: plugin.validate(raw) };
}

export function createObserver(config: ObserverConfig, ctx: ObserverContext): Observer {
  return observers.get(config.name).create(config.options, ctx);
}
