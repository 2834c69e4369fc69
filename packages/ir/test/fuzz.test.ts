import { describe, expect, it } from 'vitest';
import { IntModelError, decodeModel, encodeModel, validateModel } from '@qatjs/ir';
import { buildLenet } from './fixtures/lenet.ts';
import { joinFile, mutateFile, rng, splitFile } from './fixtures/mutate.ts';
import { expectSameModel } from './helpers.ts';

const RUNS = 10_000;

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
    for (let i = 0; i < RUNS; i++) {
      const bytes = mutateFile(files[i % 2], r);
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
    expect(accepted + rejected).toBe(RUNS);
    // the mutations reach deep: many different fields are named, and some damage is harmless
    expect(fields.size).toBeGreaterThan(40);
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(RUNS / 2);
  }, 60_000);
});
