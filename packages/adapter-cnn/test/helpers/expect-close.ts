import { expect } from 'vitest';
import { closeMismatch } from '@qatjs/test-utils';

/** Fails the test unless |actual - expected| <= rel * (1 + max |expected|) element-wise. */
export function expectClose(actual: Float32Array, expected: Float32Array, rel: number, what: string): void {
  expect(closeMismatch(actual, expected, rel, what)).toBe('');
}
