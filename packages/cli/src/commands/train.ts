import { FitStoppedError, calibrate, fileCheckpointStore, fit, prepare, type Module, type Recipe } from '@qatjs/core';
import * as tf from '@tensorflow/tfjs-core';
import { CliError, EXIT, usage } from '../errors.ts';
import { loadData, taskOf } from '../data/load.ts';
import { trainData, type TrainData } from '../train-data.ts';
import { formatDataSpec, parseDataSpec } from '../data/spec.ts';
import { getModel } from '../models/registry.ts';
import { exists, type Io } from '../platform.ts';
import { progress } from '../progress.ts';
import { loadRecipe } from '../recipe.ts';
import { checkpointDir, loadWeights, readRun, runFile, saveModel, weightsFile, writeRun, type RunInfo } from '../run-dir.ts';
import { setupBackend } from '../backend.ts';

export interface TrainOptions {
  readonly model: string;
  readonly data: string;
  readonly recipe?: string;
  readonly epochs: number;
  readonly out: string;
  readonly from?: string;
  readonly resume?: boolean;
  readonly seed: number;
  readonly lr?: number;
  readonly batchSize: number;
  readonly maxSteps?: number;
  readonly limit?: number;
  readonly checkpointEvery: number;
  readonly json?: boolean;
}

export interface TrainResult {
  readonly out: string;
  readonly model: string;
  readonly data: string;
  readonly recipe: string | null;
  readonly steps: number;
  readonly resumedFrom?: number;
  readonly seconds: number;
  /** Test accuracy (%) of the trained model (float, or fake-quant with a recipe); a language model: bpc. */
  readonly accuracy?: number;
  readonly bpc?: number;
  /** The same after calibration only (PTQ), when a recipe was applied to --from weights. */
  readonly ptqAccuracy?: number;
  readonly ptqBpc?: number;
}

const CALIBRATION_BATCHES = 4;

function sameHyper(a: RunInfo['hyper'], b: RunInfo['hyper']): string | undefined {
  const names: Record<keyof RunInfo['hyper'], string> = { epochs: '--epochs', lr: '--lr', batchSize: '--batch-size', maxSteps: '--max-steps', limit: '--limit', from: '--from' };
  for (const k of Object.keys(names) as Array<keyof RunInfo['hyper']>) {
    if (k === 'maxSteps') continue; // raising --max-steps is how a stopped run is continued
    if (a[k] !== b[k]) return `${names[k]} ${b[k] ?? '(none)'} differs from the run's ${a[k] ?? '(none)'}`;
  }
  return undefined;
}

/** The command line that resumes this run (for the Ctrl-C message). */
export function resumeCommand(o: TrainOptions): string {
  const parts = ['qat train', `--model ${o.model}`, `--data ${o.data}`, ...(o.recipe ? [`--recipe ${o.recipe}`] : []), `--epochs ${o.epochs}`, `--out ${o.out}`];
  if (o.from) parts.push(`--from ${o.from}`);
  if (o.lr !== undefined) parts.push(`--lr ${o.lr}`);
  parts.push(`--batch-size ${o.batchSize}`, `--seed ${o.seed}`);
  if (o.maxSteps !== undefined) parts.push(`--max-steps ${o.maxSteps}`);
  if (o.limit !== undefined) parts.push(`--limit ${o.limit}`);
  return `${parts.join(' ')} --resume`;
}

async function calibrateOn(model: Module, data: TrainData, batchSize: number): Promise<void> {
  const xs = data.calibration(batchSize, CALIBRATION_BATCHES);
  try {
    await calibrate(model, xs);
  } finally {
    tf.dispose(xs);
  }
}

export async function train(o: TrainOptions, io: Io): Promise<TrainResult> {
  const spec = parseDataSpec(o.data);
  const entry = getModel(o.model);
  if (taskOf(spec) !== entry.task) {
    throw usage(`--data ${o.data} is ${taskOf(spec) === 'language-model' ? 'a text corpus (next-character prediction)' : 'classification data'}, but --model ${o.model} takes ${entry.task === 'language-model' ? 'text' : 'classification data'}`);
  }
  const recipe: Recipe | null = o.recipe ? (entry.preset?.(o.recipe) ?? (await loadRecipe(o.recipe))) : null;
  const lr = o.lr ?? (recipe && o.from ? 2e-4 : 2e-3);
  const hyper: RunInfo['hyper'] = { epochs: o.epochs, lr, batchSize: o.batchSize, maxSteps: o.maxSteps ?? null, limit: o.limit ?? null, from: o.from ?? null };
  if (o.resume) {
    const prev = await readRun(o.out).catch((): never => {
      throw usage(`--resume: ${o.out} holds no run to resume (no run.json)`);
    });
    const changed = sameHyper(prev.hyper, hyper) ?? (prev.model !== o.model ? `--model ${o.model} differs from the run's ${prev.model}` : prev.data !== formatDataSpec(spec) ? `--data ${o.data} differs from the run's ${prev.data}` : prev.recipeName !== (o.recipe ?? null) ? `--recipe ${o.recipe ?? '(none)'} differs from the run's ${prev.recipeName ?? '(none)'}` : prev.seed !== o.seed ? `--seed ${o.seed} differs from the run's ${prev.seed}` : undefined);
    if (changed) throw usage(`--resume: ${changed} (${runFile(o.out)}); resume with the run's settings, or train into a new --out`);
  } else if (await exists(runFile(o.out))) {
    throw usage(`--out ${o.out} already holds a run (run.json); pass --resume to continue it, or choose another --out`);
  }

  await setupBackend();
  const data = trainData(entry, await loadData(spec, o.limit));
  const model = entry.build({ inputShape: data.inputShape, classes: data.classes, seed: o.seed, ...(data.vocab ? { vocab: data.vocab } : {}) });
  const started = Date.now();
  try {
    if (o.from) await loadWeights(model, await weightsFile(o.from));
    let ptq: Record<string, number> | undefined;
    if (recipe) {
      const report = prepare(model, recipe, { onWarning: (w) => io.err(`warning: ${w}\n`) });
      if (!o.json) {
        const layers = report.layers.map((l) => `${l.path} (${l.kind}: ${l.points.join(', ')})`).join('; ');
        io.err(`prepared ${report.points.length} quantization points (${recipe.name ?? o.recipe}): ${layers}\n`);
      }
      await calibrateOn(model, data, o.batchSize);
      if (o.from) ptq = await data.score(model);
    }
    const info: RunInfo = {
      format: 'qatjs-run', version: 1, model: o.model, data: formatDataSpec(spec), inputShape: data.inputShape, classes: data.classes, ...(data.vocab ? { vocab: data.vocab } : {}),
      seed: o.seed, recipe, recipeName: o.recipe ?? null, hyper, status: 'running',
    };
    await writeRun(o.out, info);
    const stepsPerEpoch = data.stepsPerEpoch(o.batchSize);
    if (stepsPerEpoch === 0) throw usage(`--batch-size ${o.batchSize} is larger than the ${data.trainSize} training samples`);
    const total = Math.min(o.epochs * stepsPerEpoch, o.maxSteps ?? Infinity);
    const bar = progress(io, recipe ? `QAT ${o.recipe}` : 'FP32 training', total, Boolean(o.json));
    let result;
    try {
      result = await fit(model, {
        epochs: o.epochs,
        stepsPerEpoch,
        batches: (epoch) => data.batches({ batchSize: o.batchSize, seed: o.seed, epoch }),
        optimizer: { kind: 'adam' },
        learningRate: { kind: 'cosine', initial: lr, warmupSteps: Math.min(50, Math.floor(total / 10)) },
        ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
        onProgress: (p) => bar.update(p.step, { loss: p.loss }),
        checkpoint: { store: fileCheckpointStore(checkpointDir(o.out)), every: o.checkpointEvery, resume: Boolean(o.resume) },
        ...(io.signal ? { signal: io.signal } : {}),
      });
    } catch (e) {
      if (e instanceof FitStoppedError) {
        bar.stop();
        throw new CliError(`interrupted after step ${e.step} of ${total}; the checkpoint of step ${e.step} is in ${checkpointDir(o.out)}. Resume with: ${resumeCommand(o)}`, EXIT.interrupted);
      }
      throw e;
    } finally {
      bar.stop();
    }
    const score = await data.score(model);
    await saveModel(o.out, model, result.steps);
    const results = { ...score, ...(ptq ? Object.fromEntries(Object.entries(ptq).map(([k, v]) => [`ptq${k[0]!.toUpperCase()}${k.slice(1)}`, v])) : {}) };
    await writeRun(o.out, { ...info, status: 'done', steps: result.steps, results });
    return {
      out: o.out, model: o.model, data: info.data, recipe: o.recipe ?? null, steps: result.steps,
      ...(result.resumedFrom !== undefined ? { resumedFrom: result.resumedFrom } : {}), seconds: (Date.now() - started) / 1000, ...results,
    };
  } finally {
    model.dispose();
  }
}
