// A training run's folder: run.json (what was trained, how, and the results), model.ckpt (the final
// weights and quantizer states) and checkpoints/ (fit's step checkpoints, for --resume).
import { CheckpointError, captureModel, decodeCheckpoint, encodeCheckpoint, prepare, restoreModel, type Module, type Recipe } from '@qatjs/core';
import { badInput } from './errors.ts';
import { exists, isFolder, join, readFileBytes, readText, writeFileAtomic } from './platform.ts';
import { getModel } from './models/registry.ts';

export const RUN_FORMAT = 'qatjs-run';

export interface RunInfo {
  readonly format: typeof RUN_FORMAT;
  readonly version: 1;
  readonly model: string;
  readonly data: string;
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** A language model's characters (id i is vocab[i]): eval and convert use the ids it was trained on. */
  readonly vocab?: readonly string[];
  readonly seed: number;
  /** The recipe the model was prepared with (null: a float model). */
  readonly recipe: Recipe | null;
  readonly recipeName: string | null;
  /** The hyperparameters: a resumed run must use the same. */
  readonly hyper: { readonly epochs: number; readonly lr: number; readonly batchSize: number; readonly maxSteps: number | null; readonly limit: number | null; readonly from: string | null };
  readonly status: 'running' | 'done';
  readonly steps?: number;
  readonly results?: Readonly<Record<string, number>>;
}

export const runFile = (dir: string) => join(dir, 'run.json');
export const modelFile = (dir: string) => join(dir, 'model.ckpt');
export const checkpointDir = (dir: string) => join(dir, 'checkpoints');

export async function writeRun(dir: string, info: RunInfo): Promise<void> {
  await writeFileAtomic(runFile(dir), `${JSON.stringify(info, null, 2)}\n`);
}

/** Reads run.json of a run folder (or of the folder holding a given file). */
export async function readRun(dir: string): Promise<RunInfo> {
  const file = runFile(dir);
  if (!(await exists(file))) throw badInput(`${dir}: not a training run folder (no run.json; make one with qat train --out ${dir})`);
  let info: RunInfo;
  try {
    info = JSON.parse(await readText(file, 'run file')) as RunInfo;
  } catch {
    throw badInput(`${file}: not a readable run file (corrupt JSON)`);
  }
  if (info?.format !== RUN_FORMAT || info.version !== 1) throw badInput(`${file}: not a qatjs run file (format ${JSON.stringify(info?.format)}, version ${JSON.stringify(info?.version)})`);
  return info;
}

export async function saveModel(dir: string, model: Module, step: number): Promise<void> {
  const bytes = encodeCheckpoint({ ...captureModel(model), optimizer: { weights: [] }, progress: { step, epoch: 0, evaluations: [] } });
  await writeFileAtomic(modelFile(dir), bytes);
}

/** Reads a checkpoint file (a run's model.ckpt or a step checkpoint) and loads it into the model. */
export async function loadWeights(model: Module, file: string): Promise<void> {
  const bytes = await readFileBytes(file, 'checkpoint');
  try {
    restoreModel(model, decodeCheckpoint(bytes));
  } catch (e) {
    if (e instanceof CheckpointError || (e as Error).name === 'CheckpointError') throw badInput(`${file}: ${(e as Error).message}`);
    throw badInput(`${file}: does not fit this model: ${(e as Error).message}`);
  }
}

/** `--from`: a run folder (its model.ckpt) or a checkpoint file. */
export async function weightsFile(from: string): Promise<string> {
  return (await isFolder(from)) ? modelFile(from) : from;
}

/** Rebuilds a finished run's model: the registered builder, the recipe, the saved weights. */
export async function loadRunModel(dir: string): Promise<{ info: RunInfo; model: Module }> {
  const info = await readRun(dir);
  if (info.status !== 'done') throw badInput(`${dir}: the run did not finish (resume it with qat train ... --resume --out ${dir})`);
  const model = getModel(info.model).build({ inputShape: info.inputShape, classes: info.classes, seed: info.seed, ...(info.vocab ? { vocab: info.vocab } : {}) });
  if (info.recipe) prepare(model, info.recipe, { onWarning: () => {} });
  await loadWeights(model, modelFile(dir));
  model.eval();
  return { info, model };
}
