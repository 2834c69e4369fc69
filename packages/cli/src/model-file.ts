import { decodeModel, IntModelError, type IntModel } from '@qatjs/ir';
import { badInput } from './errors.ts';
import { readFileBytes } from './platform.ts';

/** Reads and validates an integer model file (.qir); anything else is one clear error. */
export async function readModelFile(file: string): Promise<{ bytes: Uint8Array; model: IntModel }> {
  const bytes = await readFileBytes(file, 'model file');
  try {
    return { bytes, model: decodeModel(bytes) };
  } catch (e) {
    if (e instanceof IntModelError || e instanceof Error) throw badInput(`${file}: not a qatjs integer model file: ${e.message}`);
    throw e;
  }
}
