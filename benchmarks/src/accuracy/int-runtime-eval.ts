// A QAT model converted to an IntModel and run on the int runtime (backend-wasm) over the test set:
// its accuracy, and how closely it follows the fake-quant model it came from.
import * as tf from '@tensorflow/tfjs-core';
import { convert, type Module } from '@qatjs/core';
import { BackendWasmError, loadSession } from '@qatjs/backend-wasm';
import { runReference, type IntModel } from '@qatjs/ir';
import { batches, type Batch, type LabeledSet } from '@qatjs/datasets';

/** Samples evaluated by the IR's reference interpreter (scalar TypeScript) when the runtime lacks an op. */
const REFERENCE_LIMIT = 1000;
import { compareLogits } from '@qatjs/test-models';
import type { Row } from '../results.ts';

/**
 * intRuntimeValue: accuracy (%) of the int runtime; intArgmaxAgreement: % of images whose argmax
 * equals the fake-quant model's (float ties count as agreement); intMaxQuantumDiff: the largest
 * logit difference in output quanta. A model convert() cannot lower gets intRuntimeValue null and
 * convert()'s reason. Without a runtime kernel for one of its ops, the IR's reference interpreter
 * computes the integer model on the first 1000 samples (intRuntimeEngine: 'ir-reference', intRuntimeSamples). `inputShape`: one sample's (MNIST images [28, 28, 1]; row sequences [28, 28]).
 */
export async function intRuntimeFields(model: Module, test: LabeledSet, limit = Infinity, inputShape: readonly number[] = [28, 28, 1]): Promise<Row> {
  let ir;
  try {
    ir = convert(model, { inputShape, floatOutput: false });
  } catch (e) {
    return { intRuntimeValue: null, intRuntimeNote: `not convertible: ${(e as Error).message.slice(0, 200)}` };
  }
  const q = ir.values.find((v) => v.name === ir.outputs[0])?.quant;
  if (!q) throw new Error('convert: int8 output expected');
  const [s, zp] = [q.scale[0], q.zeroPoint[0]];
  const runner = await intRunner(ir);
  if (runner.engine !== 'int-runtime') limit = Math.min(limit, REFERENCE_LIMIT);
  const run = (b: Batch) => runner.run({ input: { data: b.x, shape: b.shape } });
  model.eval();
  let seen = 0;
  let correct = 0;
  let agree = 0;
  let worst = 0;
  try {
    for (const b of batches(test, { batchSize: 500 })) {
      if (seen >= limit) break;
      const codes = run(b);
      const fake = tf.tidy(() => model.forward(tf.tensor(b.x, b.shape)).dataSync());
      const cmp = compareLogits(fake, codes, 10, s, zp);
      worst = Math.max(worst, cmp.worstQuanta);
      agree += cmp.sameArgmax;
      cmp.codeArgmax.forEach((c, i) => (correct += c === b.y[i] ? 1 : 0));
      seen += b.y.length;
    }
  } finally {
    runner.dispose();
    model.train();
  }
  const where: Row = runner.engine === 'int-runtime' ? {} : { intRuntimeEngine: runner.engine, intRuntimeSamples: seen };
  return { intRuntimeValue: (100 * correct) / seen, intArgmaxAgreement: (100 * agree) / seen, intMaxQuantumDiff: worst, ...where };
}

export interface IntRunner {
  readonly engine: 'int-runtime' | 'ir-reference';
  /** The model's first output for these inputs (int8 codes with floatOutput: false). */
  run(inputs: Readonly<Record<string, { data: Float32Array | Int32Array; shape: number[] }>>): ArrayLike<number>;
  dispose(): void;
}

/**
 * The int runtime for `ir`; while the runtime has no kernel for one of its ops (a new op whose
 * runtime kernel is still to come), the IR's reference interpreter.
 */
export async function intRunner(ir: IntModel): Promise<IntRunner> {
  try {
    const session = await loadSession(ir);
    return { engine: 'int-runtime', run: (inputs) => session.run(inputs)[ir.outputs[0]], dispose: () => session.dispose() };
  } catch (e) {
    if (!(e instanceof BackendWasmError && /has no kernel for op/.test(e.message))) throw e;
    return { engine: 'ir-reference', run: (inputs) => runReference(ir, inputs)[ir.outputs[0]], dispose: () => {} };
  }
}
