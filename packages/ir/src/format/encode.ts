import { IntModelError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { IntModel } from '../types.ts';
import { validateModel } from '../validate/model.ts';
import { headerLayout } from './header.ts';
import { CRC_OFFSET, FORMAT_VERSION, MAGIC, PREAMBLE_BYTES, alignUp, fileCrc, requireLittleEndian } from './layout.ts';

/** The header's UTF-8 bytes, the data section's start and the file's total length. */
export function plan(model: IntModel) {
  const layout = headerLayout(model);
  const json = new TextEncoder().encode(JSON.stringify(layout.header));
  if (json.length > LIMITS.maxHeaderBytes) {
    throw new IntModelError('header', `the JSON header takes ${json.length} bytes, more than the limit ${LIMITS.maxHeaderBytes}`);
  }
  const dataStart = alignUp(PREAMBLE_BYTES + json.length);
  return { ...layout, json, dataStart, fileLength: dataStart + layout.dataLength };
}

/** Writes a model as one IntModel file (layout.ts), CRC-32 included. Validates it first: an invalid model is not written. */
export function encodeModel(model: IntModel): Uint8Array {
  requireLittleEndian();
  validateModel(model);
  const { json, dataStart, fileLength, buffers } = plan(model);
  const out = new Uint8Array(fileLength);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREAMBLE_BYTES);
  for (const b of buffers) out.set(b.bytes, dataStart + b.offset);
  view.setUint32(CRC_OFFSET, fileCrc(out), true);
  return out;
}
