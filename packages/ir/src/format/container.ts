import { IntModelError, describeValue } from '../errors.ts';
import { limits } from '../limits.ts';
import { CRC_OFFSET, FORMAT_VERSION, MAGIC, PREAMBLE_BYTES, alignUp, fileCrc } from './layout.ts';

const VERSION_OFFSET = 8;
const hex32 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** Magic, format version and CRC-32, in that order: nothing else of a file is read before its checksum holds. */
function checkPreamble(bytes: Uint8Array): DataView {
  const tooShort = () => new IntModelError('file', `${bytes.length} bytes is too short for an IntModel file (at least ${PREAMBLE_BYTES})`);
  if (bytes.length < VERSION_OFFSET + 4) throw tooShort();
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new IntModelError('file.magic', 'not an IntModel file (the first 8 bytes are not \\x89QATIR\\r\\n)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(VERSION_OFFSET, true);
  if (version === 1 || version === 2) {
    throw new IntModelError(
      'file.formatVersion',
      `this is an IntModel file of format version ${version}${version === 1 ? ', which has no checksum' : ''}; this reader understands format version ${FORMAT_VERSION} only ` +
        `(version ${FORMAT_VERSION} stores scales and zero points as binary tables). ` +
        'Make a new file from the trained model: run convert() again and write its result with encodeModel()',
    );
  }
  if (version !== FORMAT_VERSION) throw new IntModelError('file.formatVersion', `this reader understands format version ${FORMAT_VERSION}, got ${version}`);
  if (bytes.length < PREAMBLE_BYTES) throw tooShort();
  const stored = view.getUint32(CRC_OFFSET, true);
  const actual = fileCrc(bytes);
  if (stored !== actual) {
    throw new IntModelError(
      'file.crc',
      `the file is corrupt: its bytes have CRC-32 ${hex32(actual)}, the file says ${hex32(stored)} ` +
        '(damaged in storage or transfer, cut short, or edited); write it again with encodeModel()',
    );
  }
  return view;
}

/** Checks the preamble (magic, version, CRC-32) and returns the parsed JSON header and the data section (a view). */
export function readContainer(bytes: Uint8Array): { header: unknown; data: Uint8Array } {
  const view = checkPreamble(bytes);
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
