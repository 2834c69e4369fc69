import { loadSession } from '@qatjs/backend-wasm';
import { badInput } from '../errors.ts';
import { asSamples, loadData, type ClassificationData } from '../data/load.ts';
import { parseDataSpec } from '../data/spec.ts';
import { modelAccuracy, sessionAccuracy } from '../evaluate.ts';
import { readModelFile } from '../model-file.ts';
import { dirname, exists, isFolder } from '../platform.ts';
import { loadRunModel, readRun, runFile, type RunInfo } from '../run-dir.ts';
import { modelBpc, withVocab } from '../data/text-batches.ts';
import { BPC_WINDOWS } from '../train-data.ts';
import type { LogitsFunction, Module } from '@qatjs/core';
import { setupBackend } from '../backend.ts';

export interface EvalResult {
  readonly target: string;
  readonly kind: 'run' | 'int-model';
  readonly data: string;
  readonly samples: number;
  /** Test accuracy (%): the float / fake-quant model of a run, or the int runtime for a model file. */
  readonly accuracy?: number;
  /** A language model: bits per character on the validation split (samples: characters). */
  readonly bpc?: number;
  readonly fakeQuantBpc?: number;
  /** For a model file beside its run: the fake-quant model's accuracy and the argmax agreement (%). */
  readonly fakeQuantAccuracy?: number;
  readonly agreement?: number;
}

/** The test data, its samples read as the run's model reads them (`shape`: run.json's inputShape). */
async function testSet(data: string, limit: number | undefined, shape?: readonly number[]): Promise<ClassificationData> {
  const d = await loadData(parseDataSpec(data), limit);
  if (d.task !== 'classification') throw badInput(`--data ${data}: eval measures accuracy on classification data in this version`);
  return shape ? asSamples(d, shape) : d;
}

/** A language model's bits per character on the validation split of `data`, read with the run's vocabulary. */
async function textBpc(model: Module | LogitsFunction, info: RunInfo, data: string, limit: number | undefined): Promise<{ data: string; samples: number; bpc: number }> {
  const d = await loadData(parseDataSpec(data));
  if (d.task !== 'language-model') throw badInput(`--data ${data}: ${info.model} is a language model; eval it on text (shakespeare or text:<file>)`);
  const r = await modelBpc(model, withVocab(d.corpus, info.vocab!, d.name), info.inputShape[0]!, limit ?? BPC_WINDOWS);
  return { data, samples: r.characters, bpc: r.bpc };
}

/** `qat eval <run folder | model file>`: accuracy on the test split of the run's data (or --data). */
export async function evalTarget(target: string, o: { data?: string; limit?: number }): Promise<EvalResult> {
  await setupBackend();
  if (await isFolder(target)) {
    const { info, model } = await loadRunModel(target);
    try {
      if (info.vocab) return { target, kind: 'run', ...(await textBpc(model, info, o.data ?? info.data, o.limit)) };
      const data = await testSet(o.data ?? info.data, o.limit, info.inputShape);
      return { target, kind: 'run', data: o.data ?? info.data, samples: data.test.y.length, accuracy: await modelAccuracy(model, data.test) };
    } finally {
      model.dispose();
    }
  }
  const { bytes } = await readModelFile(target);
  const dir = dirname(target);
  const beside = (await exists(runFile(dir))) ? await readRun(dir) : undefined;
  const spec = o.data ?? beside?.data;
  if (!spec) throw badInput(`${target}: no run.json beside the model file to name its data; pass --data`);
  const session = await loadSession(bytes);
  try {
    if (beside?.vocab) {
      const run = beside.status === 'done' ? await loadRunModel(dir) : undefined;
      try {
        const input = session.inputs[0]!.name;
        const output = session.outputs[0]!.name;
        const int = await textBpc((x) => session.run({ [input]: x })[output]!, beside, spec, o.limit);
        return { target, kind: 'int-model', ...int, ...(run ? { fakeQuantBpc: (await textBpc(run.model, beside, spec, o.limit)).bpc } : {}) };
      } finally {
        run?.model.dispose();
      }
    }
    const data = await testSet(spec, o.limit, beside?.inputShape);
    if (beside?.status === 'done' && beside.recipe) {
      const { model } = await loadRunModel(dir);
      try {
        const r = sessionAccuracy(session, data.test, model);
        return { target, kind: 'int-model', data: spec, samples: data.test.y.length, accuracy: r.accuracy, fakeQuantAccuracy: await modelAccuracy(model, data.test), agreement: r.agreement! };
      } finally {
        model.dispose();
      }
    }
    return { target, kind: 'int-model', data: spec, samples: data.test.y.length, accuracy: sessionAccuracy(session, data.test).accuracy };
  } finally {
    session.dispose();
  }
}
