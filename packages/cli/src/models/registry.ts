import type { Module } from '@qatjs/core';
import { usage } from '../errors.ts';
import type { Task } from '../data/load.ts';

/** What a model builder gets: the data's sample shape (no batch axis) and class (or vocabulary) count. */
export interface ModelShape {
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly seed: number;
}

/**
 * A model the command can train: `qat train --model <name>`. Adding a model family to the command is
 * one registerModel call (the RNN and transformer adapters add theirs when they land).
 */
export interface ModelEntry {
  readonly name: string;
  /** One line for `qat train --help`. */
  readonly description: string;
  /** The data it takes: image / feature classification, or next-character prediction. */
  readonly task: Task;
  /** Builds the model; throws a CliError when the data's shape does not suit it. */
  readonly build: (shape: ModelShape) => Module;
}

const MODELS = new Map<string, ModelEntry>();

export function registerModel(entry: ModelEntry): void {
  if (MODELS.has(entry.name)) throw new Error(`model '${entry.name}' is already registered`);
  MODELS.set(entry.name, entry);
}

export const listModels = (): ModelEntry[] => [...MODELS.values()];

/** Models of later issues, named so `--model lstm` says what it is waiting for. */
const PLANNED: Record<string, string> = {
  lstm: '@qatjs/adapter-rnn',
  gru: '@qatjs/adapter-rnn',
  transformer: '@qatjs/adapter-transformer',
};

export function getModel(name: string): ModelEntry {
  const m = MODELS.get(name);
  if (m) return m;
  const known = listModels().map((e) => e.name).join(', ');
  if (Object.hasOwn(PLANNED, name)) throw usage(`--model ${name}: not in this version of the command (it comes with ${PLANNED[name]}); models: ${known}`);
  throw usage(`--model: unknown model '${name}' (models: ${known})`);
}
