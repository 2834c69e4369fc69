import { addFloat } from '../../float-numerics.ts';
import { addQuantized } from '../../numerics.ts';
import { binaryReference } from './binary.ts';

/** add (ops/add.ts), broadcasting: addQuantized for int8/uint8, fround(a + b) for float32. */
export const addReference = binaryReference(addFloat, addQuantized);
