import { byteLength, DTYPES } from './dtype.ts';
import { plan } from './format/encode.ts';
import { elementCount } from './shape.ts';
import type { DType, IntModel } from './types.ts';
import { validateModel } from './validate/model.ts';

/** Where the bytes of an encoded model go; for the `size` benchmark. */
export interface SizeReport {
  /** Bytes of the whole file encodeModel writes. */
  readonly fileBytes: number;
  /** Bytes of the JSON header (without the 20-byte preamble and the padding). */
  readonly headerBytes: number;
  /** Bytes of the quant tables: every stored scale (float32) and zero point (one code wide). */
  readonly quantBytes: number;
  /** Stored bytes of all constants (packed where int4/int2), without alignment padding. */
  readonly constantBytes: number;
  /** Stored constant bytes per dtype; every dtype is listed, 0 when unused. */
  readonly constantBytesByDType: Readonly<Record<DType, number>>;
  /** Elements (parameters) per constant dtype. */
  readonly constantElementsByDType: Readonly<Record<DType, number>>;
}

function zeros(): Record<DType, number> {
  return Object.fromEntries(DTYPES.map((d) => [d, 0])) as Record<DType, number>;
}

/** Sizes of a (valid) model's file without writing it. */
export function sizeReport(model: IntModel): SizeReport {
  validateModel(model);
  const { json, fileLength, quantBytes } = plan(model);
  const bytes = zeros();
  const elements = zeros();
  for (const c of model.constants) {
    const n = elementCount(c.shape);
    elements[c.dtype] += n;
    bytes[c.dtype] += byteLength(c.dtype, n);
  }
  return {
    fileBytes: fileLength,
    headerBytes: json.length,
    quantBytes,
    constantBytes: DTYPES.reduce((s, d) => s + bytes[d], 0),
    constantBytesByDType: bytes,
    constantElementsByDType: elements,
  };
}

/** Bytes of the file encodeModel(model) writes. */
export function encodedSize(model: IntModel): number {
  return sizeReport(model).fileBytes;
}
