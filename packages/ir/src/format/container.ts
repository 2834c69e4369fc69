import { IntModelError, describeValue } from '../errors.ts';
import { limits } from '../limits.ts';
import { FORMAT_VERSION, MAGIC, PREAMBLE_BYTES, alignUp } from './layout.ts';

/** Checks the preamble and returns the parsed JSON header and the data section (a view). */
export function readContainer(bytes: Uint8Array): { header: unknown; data: Uint8Array } {
  if (bytes.length < PREAMBLE_BYTES) throw new IntModelError('file', `${bytes.length} bytes is too short for an IntModel file (at least ${PREAMBLE_BYTES})`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new IntModelError('file.magic', 'not an IntModel file (the first 8 bytes are not \\x89QATIR\\r\\n)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, PREAMBLE_BYTES);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) throw new IntModelError('file.formatVersion', `this reader understands format version ${FORMAT_VERSION}, got ${version}`);
  const headerLength = view.getUint32(12, true);
  if (headerLength > limits().maxHeaderBytes) {
    throw new IntModelError('file.headerLength', `${headerLength} bytes is more than the limit ${limits().maxHeaderBytes}`);
  }
  const dataStart = alignUp(PREAMBLE_BYTES + headerLength);
  if (dataStart > bytes.length) {
    throw new IntModelError('file.headerLength', `a ${headerLength}-byte header (padded to ${dataStart}) does not fit in a ${bytes.length}-byte file`);
  }
  for (let i = PREAMBLE_BYTES + headerLength; i < dataStart; i++) {
    if (bytes[i] !== 0) throw new IntModelError('file.padding', `byte ${i} between the header and the data must be zero`);
  }
  let text: string;
  try {
    // slice (a copy): TextDecoder refuses views of a SharedArrayBuffer
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.slice(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength));
  } catch {
    throw new IntModelError('file.header', 'the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new IntModelError('file.header', `the header is not valid JSON (${e instanceof Error ? e.message.slice(0, 200) : describeValue(e)})`);
  }
  return { header, data: bytes.subarray(dataStart) };
}
