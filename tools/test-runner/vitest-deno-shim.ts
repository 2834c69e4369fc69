// Lets a test file written against vitest's API run under `deno test`: deno.json's import map sends
// `vitest` here. node:test provides the suite structure, the npm `expect` package the matchers.
import * as nodeTest from 'node:test';
import { expect } from 'expect';

type Fn = () => unknown | Promise<unknown>;

function options(timeout?: number): { timeout?: number } {
  return timeout === undefined ? {} : { timeout };
}

export function describe(name: string, fn: () => void): void {
  nodeTest.describe(name, () => {
    fn();
  });
}

export function it(name: string, fn: Fn, timeout?: number): void {
  nodeTest.it(name, options(timeout), async () => {
    await fn();
  });
}
export const test = it;

export const beforeAll = (fn: Fn, timeout?: number): void => nodeTest.before(fn, options(timeout));
export const afterAll = (fn: Fn, timeout?: number): void => nodeTest.after(fn, options(timeout));
export const beforeEach = (fn: Fn, timeout?: number): void => nodeTest.beforeEach(fn, options(timeout));
export const afterEach = (fn: Fn, timeout?: number): void => nodeTest.afterEach(fn, options(timeout));

export { expect };
