import type { Module, Recipe } from '@qatjs/core';
import { usage } from '../errors.ts';
import type { Task } from '../data/load.ts';

/** What a model builder gets: the data's sample shape (no batch axis) and class (or vocabulary) count. */
export interface ModelShape {
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly seed: number;
  /** A language model's characters (id i is vocab[i]). */
  readonly vocab?: readonly string[];
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
  /**
   * The sample shape the model takes, from the data's (same element count): the data is reshaped to
   * it, and run.json keeps it (a recurrent model reads 28x28x1 images as 28 steps of 28 pixels). A
   * leading dim the model reads as time is its sequence length, fixed in an ONNX export. Default: the
   * data's shape. Throws a CliError when the data cannot be read that way.
   */
  readonly sampleShape?: (dataShape: readonly number[]) => readonly number[];
  /** The model family's own presets (e.g. the transformer's `w8a8`), taking precedence over core's by name. */
  readonly preset?: (name: string) => Recipe | undefined;
  /** Builds the model; throws a CliError when the data's shape does not suit it. */
  readonly build: (shape: ModelShape) => Module;
}

const MODELS = new Map<string, ModelEntry>();

export function registerModel(entry: ModelEntry): void {
  if (MODELS.has(entry.name)) throw new Error(`model '${entry.name}' is already registered`);
  MODELS.set(entry.name, entry);
}

export const listModels = (): ModelEntry[] => [...MODELS.values()];


/** The sample shape an entry's model takes for data of `dataShape`. */
export const sampleShapeOf = (entry: ModelEntry, dataShape: readonly number[]): readonly number[] =>
  entry.sampleShape ? entry.sampleShape(dataShape) : dataShape;

export function getModel(name: string): ModelEntry {
  const m = MODELS.get(name);
  if (m) return m;
  const known = listModels().map((e) => e.name).join(', ');
  throw usage(`--model: unknown model '${name}' (models: ${known})`);
}
