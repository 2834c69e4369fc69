// Property-based fuzzing of decodeModel (tools/test-utils/src/fuzz.ts): damaged LeNet files, with the
// CRC-32 left as it was (refused at file.crc or before) or recomputed (every later check exercised).
// Each case decodes to a model that validates and re-encodes, or throws IntModelError.
import { describe, expect, it } from 'vitest';
import { IntModelError, decodeModel, encodeModel, validateModel } from '@qatjs/ir';
import { damagedBytes, fc, fuzz } from '@qatjs/test-utils/fuzz';
import { buildLenet } from './fixtures/lenet.ts';
import { seal } from './fixtures/mutate.ts';

const files = [encodeModel(buildLenet(1, 'int8')), encodeModel(buildLenet(2, 'int4'))];
const headerEnd = Math.max(...files.map((f) => 20 + new DataView(f.buffer).getUint32(12, true)));

describe('fuzz: decodeModel', () => {
  it('every damaged file decodes to a valid model or throws IntModelError; unsealed damage is always refused', async () => {
    const input = fc.record({ bytes: damagedBytes(files, headerEnd + 64), sealed: fc.boolean() });
    const out = await fuzz(
      'ir.decodeModel',
      input,
      ({ bytes, sealed }) => {
        const changed = !files.some((f) => f.length === bytes.length && f.every((b, i) => b === bytes[i]));
        if (!sealed && changed) {
          try {
            decodeModel(bytes);
          } catch (e) {
            if (e instanceof IntModelError) return;
            throw e;
          }
          throw new Error('a damaged file with its old checksum was accepted');
        }
        const model = decodeModel(sealed ? seal(bytes) : bytes);
        validateModel(model);
        encodeModel(model);
      },
      (e) => e instanceof IntModelError,
    );
    expect(out.report).toBe('');
    expect(out.failures).toBe(0);
  });
});
