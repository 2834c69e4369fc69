import { mulFloat } from '../../float-numerics.ts';
import { mulQuantized } from '../../numerics.ts';
import { binaryReference } from './binary.ts';

/** mul (ops/mul.ts), broadcasting: mulQuantized for int8/uint8, fround(a * b) for float32. */
export const mulReference = binaryReference(mulFloat, mulQuantized);
