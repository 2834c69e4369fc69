import { IntModelError, describeValue } from '../errors.ts';
import type { IntModel } from '../types.ts';
import { withLimits } from '../limits.ts';
import { type ValidateOptions, validateModel } from '../validate/model.ts';
import { readContainer } from './container.ts';
import { requireLittleEndian } from './layout.ts';
import { parseHeader } from './parse-header.ts';

/**
 * Reads an IntModel file. Checks the container (magic, version, header length, UTF-8 JSON, padding),
 * every header field, the buffer placement, and then the whole model with validateModel. Every
 * malformed input throws IntModelError. The model's constant data are copies: it never aliases `bytes`,
 * and it allocates at most about the file's size (buffers cannot overlap; the header is capped).
 */
export function decodeModel(bytes: Uint8Array | ArrayBuffer, options: ValidateOptions = {}): IntModel {
  return withLimits(options.limits, () => decode(bytes));
}

function decode(bytes: Uint8Array | ArrayBuffer): IntModel {
  requireLittleEndian();
  // a plain Uint8Array view: a Node Buffer's slice() would not copy
  let u8: Uint8Array;
  if (bytes instanceof Uint8Array) u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  else if (bytes instanceof ArrayBuffer) u8 = new Uint8Array(bytes);
  else throw new IntModelError('bytes', `expected a Uint8Array or an ArrayBuffer, got ${describeValue(bytes)}`);
  const { header, data } = readContainer(u8);
  const model = parseHeader(header, data);
  validateModel(model);
  return model;
}
