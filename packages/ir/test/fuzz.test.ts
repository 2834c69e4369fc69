import { describe, expect, it } from 'vitest';
import { IntModelError, decodeModel, encodeModel, validateModel } from '@qatjs/ir';
import { buildLenet } from './fixtures/lenet.ts';
import { joinFile, mutateFile, rng, seal, splitFile } from './fixtures/mutate.ts';
import { expectSameModel } from './helpers.ts';

const RUNS = 10_000;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

describe('decodeModel on hostile input', () => {
  it('re-framing an unchanged header gives back the same model (the fuzz helpers are sound)', () => {
    const file = encodeModel(buildLenet(1, 'int4'));
    const { header, data } = splitFile(file);
    expectSameModel(decodeModel(joinFile(JSON.stringify(header), data)), decodeModel(file));
  });

  it(`${RUNS} random mutations of LeNet files: each decodes to a valid model or throws IntModelError`, () => {
    const files = [encodeModel(buildLenet(1, 'int8')), encodeModel(buildLenet(2, 'int4'))];
    const r = rng(20261127);
    let accepted = 0;
    let rejected = 0;
    const others: string[] = [];
    const fields = new Set<string>();
    const unsealedAccepted: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const damaged = mutateFile(files[i % 2], r);
      // As damaged, with the stored CRC-32 left alone: refused whenever a byte changed (the checksum,
      // or the magic / version / length checks before it).
      if (!sameBytes(damaged, files[i % 2])) {
        try {
          decodeModel(damaged);
          unsealedAccepted.push(i);
        } catch (e) {
          if (!(e instanceof IntModelError && /^file(\.crc|\.magic|\.formatVersion)?$/.test(e.field))) others.push(`run ${i} (unsealed): ${String(e)}`);
        }
      }
      // With the CRC-32 recomputed, so the checks behind it see the damage.
      const bytes = seal(damaged);
      try {
        const model = decodeModel(bytes);
        validateModel(model);
        encodeModel(model);
        accepted++;
      } catch (e) {
        if (e instanceof IntModelError) {
          rejected++;
          fields.add(e.field.replace(/\[\d+\]/g, '[]'));
        } else if (others.length < 5) {
          others.push(`run ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
      }
    }
    expect(others).toEqual([]);
    expect(unsealedAccepted).toEqual([]);
    expect(accepted + rejected).toBe(RUNS);
    // the mutations reach deep: many different fields are named, and some damage is harmless
    expect(fields.size).toBeGreaterThan(40);
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(RUNS / 2);
  }, 600_000); // the runner's ceiling: 10,000 decodes took > 60 s on a loaded 2-core machine
});
