import { loadSession } from '@qatjs/backend-wasm';
import { unprepare } from '@qatjs/core';
import { badInput } from '../errors.ts';
import { latency, type Latency } from '../latency.ts';
import { readModelFile } from '../model-file.ts';
import { dirname, exists } from '../platform.ts';
import { loadRunModel, runFile } from '../run-dir.ts';
import { setupBackend } from '../backend.ts';

export interface BenchResult extends Latency {
  readonly file: string;
  readonly runs: number;
}

/**
 * `qat bench <model file>`: the int runtime's latency on a batch of zeros, and, when the file sits in
 * its run folder, the deployable FP32 model's on tfjs-backend-wasm (the speed tables' comparison).
 */
export async function bench(file: string, o: { batch: number; runs: number }): Promise<BenchResult> {
  await setupBackend();
  const { bytes } = await readModelFile(file);
  const session = await loadSession(bytes);
  try {
    const shape = session.inputs[0]!.shape.map((d, i) => (i === 0 ? o.batch : d));
    if (shape.some((d) => d < 1)) throw badInput(`${file}: the input has run-time sizes other than the batch ([${session.inputs[0]!.shape.join(', ')}]); bench takes fixed-size models`);
    const x = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => (i % 7) / 7);
    const dir = dirname(file);
    let floatModel;
    if (await exists(runFile(dir))) {
      floatModel = (await loadRunModel(dir)).model;
      unprepare(floatModel);
    }
    try {
      return { file, runs: o.runs, ...latency(session, x, shape, o.runs, floatModel) };
    } finally {
      floatModel?.dispose();
    }
  } finally {
    session.dispose();
  }
}
