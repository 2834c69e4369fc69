// The runtime the test runner started (tools/test-runner/run-tests.mjs sets QATJS_TEST_RUNTIME).
// The MNIST agreement tests run in full under Node, and one case each on fewer images under Bun and
// Deno, which exercise the same library code (the export itself is covered in full on all three by
// the fast tests), to keep the package's three runs short on 2 cores.
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

/** True under Node or when run outside the runner (plain vitest). */
export const FULL_RUN = (env?.QATJS_TEST_RUNTIME ?? 'node') === 'node';

/** All of `cases` in a full run, else the first. */
export function casesForRuntime<T>(cases: readonly T[]): readonly T[] {
  return FULL_RUN ? cases : cases.slice(0, 1);
}
