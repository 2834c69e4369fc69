import { QatjsError, convert as lower } from '@qatjs/core';
import { encodeModel, sizeReport, type IntModel } from '@qatjs/ir';
import { OnnxExportError, exportOnnx } from '@qatjs/onnx';
import { badInput, usage } from '../errors.ts';
import { join, writeFileAtomic } from '../platform.ts';
import { loadRunModel, type RunInfo } from '../run-dir.ts';
import { setupBackend } from '../backend.ts';

export interface ConvertResult {
  readonly run: string;
  readonly out: string;
  readonly format: string;
  readonly bytes: number;
}

/** What `qat convert --format` writes: our int model file, or an ONNX QDQ model. */
const FORMATS: Record<string, { readonly file: string; readonly write: (ir: IntModel, info: RunInfo) => Uint8Array }> = {
  int8: { file: 'model.qir', write: (ir) => encodeModel(ir) },
  // every size but the batch fixed from the run's sample shape: a recurrent model's sequence length
  onnx: { file: 'model.onnx', write: (ir, info) => exportOnnx(ir, { inputShapes: { [ir.inputs[0]!]: [null, ...info.inputShape] } }) },
};

export async function convertRun(run: string, o: { format: string; out?: string }): Promise<ConvertResult> {
  const format = Object.hasOwn(FORMATS, o.format) ? FORMATS[o.format]! : undefined;
  if (!format) throw usage(`--format: unknown format '${o.format}' (formats: ${Object.keys(FORMATS).join(', ')})`);
  await setupBackend();
  const { info, model } = await loadRunModel(run);
  try {
    if (!info.recipe) throw badInput(`${run}: a float run (trained without --recipe); convert needs a quantized model: qat train --recipe w8a8 --from ${run} --out <dir>`);
    let ir: IntModel;
    let bytes: Uint8Array;
    try {
      ir = lower(model, { inputShape: info.inputShape, ...(info.vocab ? { input: { dtype: 'int32' as const } } : {}), metadata: { producer: 'qatjs qat convert', model: info.model, recipe: info.recipeName ?? '' } });
      bytes = format.write(ir, info);
    } catch (e) {
      // the converter's and the exporter's refusals name the layer and the reason: pass them on as one line
      if (e instanceof OnnxExportError || e instanceof QatjsError) throw badInput(`${run}: cannot convert to ${o.format}: ${(e as Error).message.split('\n')[0]}`);
      throw e;
    }
    const out = o.out ?? join(run, format.file);
    await writeFileAtomic(out, bytes);
    return { run, out, format: o.format, bytes: o.format === 'int8' ? sizeReport(ir).fileBytes : bytes.length };
  } finally {
    model.dispose();
  }
}
