/** The number of elements of a shape. */
export const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/**
 * '' when |actual - expected| <= rel * (1 + max |expected|) element-wise with the same length, else
 * a message naming the worst element. Tests assert `expect(closeMismatch(...)).toBe('')`, so every
 * runner's expect shows the message on failure.
 */
export function closeMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string): string {
  if (actual.length !== expected.length) return `${what}: length ${actual.length}, expected ${expected.length}`;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const tol = rel * (1 + scale);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  return worst <= tol ? '' : `${what}: worst error ${worst} at ${at} (got ${actual[at]}, expected ${expected[at]}), tolerance ${tol}`;
}
