import { OnnxExportError } from '../errors.ts';
import { AttributeType, type AttributeProto } from './types.ts';

/** An attribute as exporters give it: an integer, a list of integers, or a string. */
export type AttrInit = number | readonly number[] | string;

const enc = new TextEncoder();

/** AttributeProtos (INT, INTS, STRING) from a plain record, in key order. */
export function attributes(attrs: Readonly<Record<string, AttrInit>>): AttributeProto[] {
  return Object.entries(attrs).map(([name, v]): AttributeProto => {
    if (typeof v === 'string') return { name, type: AttributeType.STRING, s: enc.encode(v) };
    if (typeof v === 'number' && Number.isSafeInteger(v)) return { name, type: AttributeType.INT, i: v };
    if (Array.isArray(v) && v.every((x) => Number.isSafeInteger(x))) return { name, type: AttributeType.INTS, ints: [...(v as number[])] };
    throw new OnnxExportError(`exportOnnx: internal: attribute '${name}' must be an integer, a list of integers or a string`);
  });
}
