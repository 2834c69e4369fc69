import { IntModelError, describeValue } from './errors.ts';

/**
 * Size caps that keep validation and decoding bounded on hostile input. A model beyond them is
 * rejected with an IntModelError naming the field; none of them is near what a real model needs.
 * decodeModel and validateModel accept tighter ones (`{ limits: { maxHeaderBytes: 1 << 20 } }`).
 */
export interface Limits {
  /** Tensor rank. */
  readonly maxRank: number;
  /** Elements of one tensor (for a value with a -1 batch: per batch item). Runtime indices are int32. */
  readonly maxElements: number;
  /** Characters in a value, constant or node name. */
  readonly maxNameLength: number;
  /** Entries in values, constants, nodes, inputs, outputs, and in one scale or zero-point list. */
  readonly maxListLength: number;
  /** Bytes of the JSON header of a file. */
  readonly maxHeaderBytes: number;
  /**
   * Per-channel entries the node checks may visit in total (scales, zero points and biases of each
   * node's inputs, summed over nodes), so a file that reuses one huge constant in many nodes cannot
   * make validation quadratic. Real models use well under a million.
   */
  readonly maxChannelChecks: number;
  /** Entries in metadata, and characters in one metadata value. */
  readonly maxMetadataEntries: number;
  readonly maxMetadataValueLength: number;
}

export const LIMITS: Limits = Object.freeze({
  maxRank: 8,
  maxElements: 2 ** 31 - 1,
  maxNameLength: 1024,
  maxListLength: 1 << 20,
  maxHeaderBytes: 16 * 1024 * 1024,
  maxChannelChecks: 1 << 26,
  maxMetadataEntries: 256,
  maxMetadataValueLength: 1 << 16,
});

/** Stride, dilation, padding and pool kernel sizes (fixed: they are part of the op schemas). */
export const MAX_WINDOW_PARAM = 1 << 16;

let active: Limits = LIMITS;

/** The limits in force for the current decode / validation. */
export function limits(): Limits {
  return active;
}

/** Runs fn with some limits tightened (never raised above LIMITS). Validation is synchronous, so this is safe. */
export function withLimits<T>(overrides: Partial<Limits> | undefined, fn: () => T): T {
  if (overrides === undefined) return fn();
  if (overrides === null || typeof overrides !== 'object') throw new IntModelError('options.limits', `must be an object, got ${describeValue(overrides)}`);
  for (const [key, v] of Object.entries(overrides)) {
    if (!Object.hasOwn(LIMITS, key)) throw new IntModelError(`options.limits.${key}`, `unknown limit (known: ${Object.keys(LIMITS).join(', ')})`);
    const max = LIMITS[key as keyof Limits];
    if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > max) {
      throw new IntModelError(`options.limits.${key}`, `must be an integer in 0..${max}, got ${describeValue(v)}`);
    }
  }
  const previous = active;
  active = { ...active, ...overrides };
  try {
    return fn();
  } finally {
    active = previous;
  }
}
