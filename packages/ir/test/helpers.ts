import { expect } from 'vitest';
import { IntModelError, type IntModel } from '@qatjs/ir';

/** Runs fn, expects an IntModelError whose field is `field` and whose message matches `message`. */
export function expectModelError(fn: () => unknown, field: string | RegExp, message?: RegExp): IntModelError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IntModelError);
  const err = caught as IntModelError;
  if (typeof field === 'string') expect(err.field).toBe(field);
  else expect(err.field).toMatch(field);
  if (message) expect(err.message).toMatch(message);
  return err;
}

/** The bits of a typed array as plain numbers, so -0/+0 and NaN payloads compare exactly. */
export function bitsOf(a: ArrayBufferView): number[] {
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

/** A deep copy whose fields tests may overwrite. */
export type Mutable = any;
export function mutableCopy(model: IntModel): Mutable {
  return structuredClone(model);
}

/** Structural equality with typed arrays compared bit for bit (class included). */
export function expectSameModel(actual: unknown, expected: unknown, path = 'model'): void {
  if (ArrayBuffer.isView(expected)) {
    expect(`${path}: ${(actual as object)?.constructor?.name}`).toBe(`${path}: ${expected.constructor.name}`);
    expect(bitsOf(actual as ArrayBufferView)).toEqual(bitsOf(expected));
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect(`${path}.length = ${(actual as unknown[]).length}`).toBe(`${path}.length = ${expected.length}`);
    expected.forEach((e, i) => expectSameModel((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(`${path} keys: ${Object.keys(actual as object).sort().join(',')}`).toBe(`${path} keys: ${Object.keys(expected).sort().join(',')}`);
    for (const k of Object.keys(expected)) expectSameModel((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(Object.is(actual, expected) ? 'same' : `${path}: ${String(actual)} != ${String(expected)}`).toBe('same');
}
