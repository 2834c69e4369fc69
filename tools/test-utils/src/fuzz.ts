// Property-based fuzzing of the public entry points that take user data (fast-check). Each entry point
// must either work or throw its package's error class: never another error, a hang or a leak. The
// number of cases comes from QATJS_FUZZ_RUNS (small by default, for CI); `npm run fuzz`
// (tools/fuzz/run.mjs) sets it high and QATJS_FUZZ_REPORT to a file that gets one JSON line per run.
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

type Env = Record<string, string | undefined>;
const env = (): Env => (globalThis as { process?: { env?: Env } }).process?.env ?? {};

/** Cases per entry point: QATJS_FUZZ_RUNS if set (a positive integer), else `dflt`. */
export function fuzzRuns(dflt = 200): number {
  const v = Number(env().QATJS_FUZZ_RUNS);
  return Number.isInteger(v) && v > 0 ? v : dflt;
}

export interface FuzzOutcome {
  readonly entryPoint: string;
  readonly cases: number;
  readonly failures: number;
  readonly seconds: number;
  /** fast-check's report of the (shrunk) failing case, or '' */
  readonly report: string;
}

export interface FuzzOptions {
  readonly runs?: number;
  readonly seed?: number;
  /** Per-case limit in ms (a hang fails the case); default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Runs `call` on generated inputs. A case passes when `call` returns (or resolves) or throws an error
 * `expected` accepts; anything else, a timeout or an error thrown by `call`'s own checks (leaks)
 * fails it. Returns the counts (and appends them to QATJS_FUZZ_REPORT when set).
 */
export async function fuzz<T>(
  entryPoint: string,
  arbitrary: fc.Arbitrary<T>,
  call: (input: T) => unknown,
  expected: (e: unknown) => boolean,
  options: FuzzOptions = {},
): Promise<FuzzOutcome> {
  const runs = options.runs ?? fuzzRuns();
  const property = fc.asyncProperty(arbitrary, async (input) => {
    try {
      await call(input);
    } catch (e) {
      if (!expected(e)) throw e;
    }
  });
  const started = performance.now();
  const result = await fc.check(property, { numRuns: runs, seed: options.seed ?? 20261203, timeout: options.timeoutMs ?? 10_000, endOnFailure: true });
  const seconds = (performance.now() - started) / 1000;
  const outcome: FuzzOutcome = {
    entryPoint,
    cases: result.numRuns,
    failures: result.failed ? 1 : 0,
    seconds: Math.round(seconds * 1000) / 1000,
    report: result.failed
      ? `failed after ${result.numRuns} cases (seed ${result.seed}); error: ${describeError(result.errorInstance)}; input: ${fc.stringify(result.counterexample).slice(0, 800)}`
      : '',
  };
  const file = env().QATJS_FUZZ_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ entryPoint, cases: outcome.cases, failures: outcome.failures, seconds: outcome.seconds })}\n`);
  return outcome;
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message.slice(0, 500)}` : String(e);
}

/** Values a hostile caller passes where an option, a name or a number is expected. */
export const WEIRD_VALUES: readonly unknown[] = [
  undefined, null, true, false, '', ' ', 'x', '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '*', '**', '@first',
  0, -0, 1, -1, 0.5, 2, 3, 7, 8, 16, 32, 33, 255, 256, -128, 127, 2 ** 31, -(2 ** 31), 2 ** 53, 1e308, -1e308, 5e-324,
  Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, [], [1], [null], {}, { bits: 8 }, Object.create(null),
  () => 1, Symbol('s'), 10n,
];

/** A hostile value: one of WEIRD_VALUES, or anything fast-check makes (null prototypes, getters, sparse arrays...). */
export function hostile(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...WEIRD_VALUES) },
    { weight: 1, arbitrary: fc.anything({ withNullPrototype: true, withBigInt: true, withObjectString: true, withSparseArray: true, maxDepth: 2 }) },
  );
}

/** An object with some of `keys` (each a plausible value from `valid`, or a hostile one) and maybe unknown keys. */
export function optionsLike(keys: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(keys).map(([k, arb]) => [k, fc.option(fc.oneof({ weight: 3, arbitrary: arb }, { weight: 1, arbitrary: hostile() }), { nil: undefined })] as const);
  return fc.record({
    known: fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] }),
    extra: fc.option(fc.dictionary(fc.constantFrom('extra', 'constructor', 'toString', '__proto__', 'valueOf', 'bitz'), hostile(), { maxKeys: 2 }), { nil: undefined, freq: 4 }),
  }).map(({ known, extra }) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(known)) if (v !== undefined) out[k] = v;
    // defineProperty: a '__proto__' key as an own property, as JSON.parse makes it
    if (extra) for (const [k, v] of Object.entries(extra)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });
}

/** A byte-level damage of `file`: up to `maxEdits` bytes set, then maybe cut or extended. Positions favour the first `hot` bytes. */
export function damagedBytes(files: readonly Uint8Array[], hot: number, maxEdits = 8): fc.Arbitrary<Uint8Array> {
  return fc.record({
    which: fc.nat({ max: files.length - 1 }),
    edits: fc.array(fc.record({ hotPos: fc.boolean(), pos: fc.nat(), value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 0x30, 0x39, 0x22, 0x2c, 0x5d, 0x7d, 0xff)) }), { maxLength: maxEdits }),
    cut: fc.option(fc.nat(), { nil: undefined, freq: 6 }),
    extra: fc.option(fc.uint8Array({ minLength: 1, maxLength: 32 }), { nil: undefined, freq: 8 }),
  }).map(({ which, edits, cut, extra }) => {
    const file = files[which]!;
    let out = file.slice();
    for (const e of edits) {
      const p = e.hotPos ? e.pos % Math.min(hot, out.length) : e.pos % out.length;
      out[p] = e.value;
    }
    if (cut !== undefined) out = out.slice(0, cut % (out.length + 1));
    if (extra) {
      const grown = new Uint8Array(out.length + extra.length);
      grown.set(out);
      grown.set(extra, out.length);
      out = grown;
    }
    return out;
  });
}

export { fc };
