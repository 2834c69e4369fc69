import { describeValue, fail, keyName } from '../errors.ts';
import { quantRange } from '../quant.ts';
import type { AttrSpec, OpSchema, TensorInfo } from '../ops/schema.ts';

function isIntList(v: unknown, minLength: number, maxLength: number, min: number, max: number): boolean {
  if (!Array.isArray(v) || v.length < minLength || v.length > maxLength) return false;
  return v.every((d) => Number.isInteger(d) && d >= min && d <= max);
}

function isFloat(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0) && v >= min && v <= max;
}

function describeSpec(spec: AttrSpec): string {
  switch (spec.kind) {
    case 'int':
      return `an integer in ${spec.min}..${spec.max}`;
    case 'ints': {
      const len = spec.minLength === spec.maxLength ? `${spec.minLength}` : `${spec.minLength} to ${spec.maxLength}`;
      return `a list of ${len} integers in ${spec.min}..${spec.max}`;
    }
    case 'bool':
      return 'a boolean';
    case 'float':
      return `a finite number in ${spec.min}..${spec.max} (not -0)`;
    case 'floats': {
      const len = spec.minLength === spec.maxLength ? `${spec.minLength}` : `${spec.minLength} to ${spec.maxLength}`;
      return `a list of ${len} finite numbers in ${spec.min}..${spec.max} (not -0)`;
    }
    case 'string':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'clamp':
      return 'a clamp [lo, hi] of integer codes with lo <= hi';
  }
}

function fits(spec: AttrSpec, v: unknown): boolean {
  switch (spec.kind) {
    case 'int':
      return Number.isInteger(v) && (v as number) >= spec.min && (v as number) <= spec.max;
    case 'ints':
      return isIntList(v, spec.minLength, spec.maxLength, spec.min, spec.max);
    case 'bool':
      return typeof v === 'boolean';
    case 'float':
      return isFloat(v, spec.min, spec.max);
    case 'floats':
      return Array.isArray(v) && v.length >= spec.minLength && v.length <= spec.maxLength && v.every((x) => isFloat(x, spec.min, spec.max));
    case 'string':
      return typeof v === 'string' && spec.values.includes(v);
    case 'clamp':
      return isIntList(v, 2, 2, -(2 ** 31), 2 ** 31 - 1) && (v as number[])[0] <= (v as number[])[1];
  }
}

/**
 * Every attribute of the schema is present (unless optional) with the right type and range, and there
 * are no others.
 * A clamp must also lie inside output 0's grid, when that output is known.
 */
export function checkAttrs(schema: OpSchema, attrs: Readonly<Record<string, unknown>>, field: string, out0: TensorInfo | undefined): void {
  for (const key of Object.keys(attrs)) {
    if (!Object.hasOwn(schema.attrs, key)) {
      const known = Object.keys(schema.attrs);
      fail(`${field}.${keyName(key)}`, `${schema.op} has no attribute ${describeValue(key)} (it has: ${known.length ? known.join(', ') : 'none'})`);
    }
  }
  for (const [key, spec] of Object.entries(schema.attrs)) {
    if (!Object.hasOwn(attrs, key)) {
      if (spec.optional === true) continue;
      fail(`${field}.${key}`, `${schema.op} needs attribute ${key}: ${describeSpec(spec)}`);
    }
    const v = attrs[key];
    if (!fits(spec, v)) fail(`${field}.${key}`, `must be ${describeSpec(spec)}, got ${describeValue(v)}${Array.isArray(v) ? ` [${v.slice(0, 8).map(describeValue).join(', ')}]` : ''}`);
    if (spec.kind === 'clamp' && out0?.quant) {
      const { qmin, qmax } = quantRange(out0.dtype, out0.quant);
      const [lo, hi] = v as number[];
      if (lo < qmin || hi > qmax) fail(`${field}.${key}`, `[${lo}, ${hi}] leaves the ${out0.dtype} grid ${qmin}..${qmax} of output '${out0.name}'`);
    }
  }
}
