import { describeValue, type ConvertOptions } from '@qatjs/core';
import { OnnxExportError } from './errors.ts';

/** The ONNX opsets the exporter writes, and the IR version each is written with (onnx/docs/Versioning.md). */
export const OPSET_IR_VERSION: Readonly<Record<number, number>> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const DEFAULT_OPSET = 13;
/** The first opset with int4 tensors (QuantizeLinear / DequantizeLinear 21). */
export const INT4_OPSET = 21;

/**
 * How grids below 8 bits are written.
 * - `'qcdq'` (any opset): int8 tensors, QuantizeLinear -> Clip to the narrow grid -> DequantizeLinear
 *   (the form Brevitas exports); weights are int8 initializers holding the low-bit codes.
 * - `'int4'` (opset 21): 2..4-bit weights are INT4 initializers and 2..4-bit activations INT4 tensors;
 *   a grid narrower than int4 (2, 3 bits) or a fused clamp is a float Clip before the QuantizeLinear.
 */
export type LowBitForm = 'qcdq' | 'int4';

export interface OnnxExportOptions {
  /** ONNX opset of the default domain, 13 (default) to 21. */
  readonly opset?: number;
  /** Grids below 8 bits: 'qcdq' (default) or 'int4' (needs opset 21). */
  readonly lowBits?: LowBitForm;
  /** Required when `model` is a Module: the options of core's convert() (inputShape, inputName...). */
  readonly convert?: ConvertOptions;
  /** The graph's name (default 'qatjs'). */
  readonly graphName?: string;
  /** Free text stored as the model's doc_string. */
  readonly docString?: string;
  /**
   * Fixes run-time sizes by graph input: `{ tokens: [null, 64] }` keeps the batch a run-time dim and
   * fixes the sequence length to 64 everywhere that size appears in the model. One entry per dim of
   * the input: a positive integer fixes it (a static dim must be given its own size), null keeps it.
   * The unrolled recurrent ops (lstm, gru) need a static sequence length.
   */
  readonly inputShapes?: Readonly<Record<string, ReadonlyArray<number | null>>>;
}

export interface ExportSettings {
  readonly opset: number;
  readonly irVersion: number;
  readonly lowBits: LowBitForm;
  readonly graphName: string;
  readonly docString: string | undefined;
  readonly inputShapes: Readonly<Record<string, ReadonlyArray<number | null>>>;
}

const OPTION_NAMES = ['opset', 'lowBits', 'convert', 'graphName', 'docString', 'inputShapes'];

function checkInputShapes(v: unknown): Readonly<Record<string, ReadonlyArray<number | null>>> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new OnnxExportError(`exportOnnx: inputShapes must be an object of input name to shape, got ${describeValue(v)}`);
  for (const [name, shape] of Object.entries(v)) {
    if (!Array.isArray(shape) || !shape.every((d) => d === null || (Number.isSafeInteger(d) && d >= 1))) {
      throw new OnnxExportError(`exportOnnx: inputShapes.${name} must be an array of positive integers (fixed sizes) and null (kept as declared), got ${describeValue(shape)}`);
    }
  }
  return v as Readonly<Record<string, ReadonlyArray<number | null>>>;
}

/** Checks every option, naming the bad one; fills in the defaults. */
export function exportSettings(options: OnnxExportOptions | undefined): ExportSettings {
  const o = options ?? {};
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new OnnxExportError(`exportOnnx: options must be an object, got ${describeValue(o)}`);
  const unknown = Object.keys(o).filter((k) => !OPTION_NAMES.includes(k));
  if (unknown.length > 0) throw new OnnxExportError(`exportOnnx: unknown option ${unknown.map((k) => `'${k}'`).join(', ')} (options: ${OPTION_NAMES.join(', ')})`);
  const opset = o.opset ?? DEFAULT_OPSET;
  const irVersion = Number.isInteger(opset) ? OPSET_IR_VERSION[opset] : undefined;
  if (irVersion === undefined) throw new OnnxExportError(`exportOnnx: opset must be an integer from 13 to 21, got ${describeValue(o.opset)}`);
  const lowBits = o.lowBits ?? 'qcdq';
  if (lowBits !== 'qcdq' && lowBits !== 'int4') throw new OnnxExportError(`exportOnnx: lowBits must be 'qcdq' or 'int4', got ${describeValue(o.lowBits)}`);
  if (lowBits === 'int4' && opset < INT4_OPSET) throw new OnnxExportError(`exportOnnx: lowBits 'int4' needs opset ${INT4_OPSET} (int4 QuantizeLinear/DequantizeLinear), got opset ${opset}`);
  const graphName = o.graphName ?? 'qatjs';
  if (typeof graphName !== 'string' || graphName === '') throw new OnnxExportError(`exportOnnx: graphName must be a non-empty string, got ${describeValue(o.graphName)}`);
  if (o.docString !== undefined && typeof o.docString !== 'string') throw new OnnxExportError(`exportOnnx: docString must be a string, got ${describeValue(o.docString)}`);
  return { opset, irVersion, lowBits, graphName, docString: o.docString, inputShapes: checkInputShapes(o.inputShapes) };
}
