import { convert as lower } from '@qatjs/core';
import { encodeModel, sizeReport } from '@qatjs/ir';
import { badInput, usage } from '../errors.ts';
import { join, writeFileAtomic } from '../platform.ts';
import { loadRunModel } from '../run-dir.ts';
import { setupBackend } from '../backend.ts';

export interface ConvertResult {
  readonly run: string;
  readonly out: string;
  readonly format: string;
  readonly bytes: number;
}

/** Formats `qat convert --format` writes; onnx joins with @qatjs/onnx. */
const FORMATS = ['int8'];

export async function convertRun(run: string, o: { format: string; out?: string }): Promise<ConvertResult> {
  if (!FORMATS.includes(o.format)) {
    if (o.format === 'onnx') throw usage(`--format onnx: not in this version of the command (it comes with @qatjs/onnx); formats: ${FORMATS.join(', ')}`);
    throw usage(`--format: unknown format '${o.format}' (formats: ${FORMATS.join(', ')})`);
  }
  await setupBackend();
  const { info, model } = await loadRunModel(run);
  try {
    if (!info.recipe) throw badInput(`${run}: a float run (trained without --recipe); convert needs a quantized model: qat train --recipe w8a8 --from ${run} --out <dir>`);
    const ir = lower(model, { inputShape: info.inputShape, metadata: { producer: 'qatjs qat convert', model: info.model, recipe: info.recipeName ?? '' } });
    const bytes = encodeModel(ir);
    const out = o.out ?? join(run, 'model.qir');
    await writeFileAtomic(out, bytes);
    return { run, out, format: o.format, bytes: sizeReport(ir).fileBytes };
  } finally {
    model.dispose();
  }
}
