import { beforeAll, describe, expect, it } from 'vitest';
import { prepare } from '@qatjs/core';
import '@qatjs/quantizer-uniform';
import '@qatjs/quantizer-asymmetric';
import '@qatjs/quantizer-lsq';
import { charTransformer, transformerPreset, transformerRecipe } from '@qatjs/adapter-transformer';
import { useBackend } from '@qatjs/test-utils';

const model = () => charTransformer({ vocab: 7, dModel: 8, heads: 2, layers: 2, context: 4 });

describe('transformer recipes', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('w8a8-res16 quantizes every weight and output, the attention points, and the residual stream at 16 bits', () => {
    const m = model();
    const report = prepare(m, transformerPreset('w8a8-res16'), { onWarning: () => {} });
    const bits = Object.fromEntries(report.points.map((p) => [p.label, `${p.quantizer}:${p.bits}${p.perChannel ? ':pc' : ''}`]));
    expect(bits['blocks.1.attn/scores']).toBe('asymmetric:8');
    expect(bits['blocks.1.attn/probs']).toBe('uniform:8');
    expect(bits['blocks.1.attn/context']).toBe('asymmetric:8');
    expect(bits['blocks.0.attn.q/output']).toBe('asymmetric:8');
    expect(bits['blocks.0.attn.k/weight']).toBe('uniform:8:pc');
    expect(bits['blocks.0.add1/output']).toBe('asymmetric:16');
    expect(bits['blocks.1.add2/output']).toBe('asymmetric:16');
    expect(bits['pos/output']).toBe('asymmetric:16');
    expect(bits['embed/weight']).toBe('uniform:8:pc');
    expect(bits['blocks.0.ln1/output']).toBe('asymmetric:8');
    expect(bits['blocks.0.mlp.gelu/output']).toBe('asymmetric:8');
    expect(report.unquantizedLayers.filter((l) => !['<root>', 'blocks', 'blocks.0', 'blocks.1', 'blocks.0.mlp', 'blocks.1.mlp'].includes(l))).toEqual([]);
    // the probabilities are on an unsigned grid with zero point 0
    const probs = m.blocks.namedQuantizers().find(([label]) => label === 'blocks.0.attn/probs')?.[1];
    expect(probs?.spec.signed).toBe(false);
    m.dispose();
  });

  it('w4a8-lsq and w4a4-lsq use LSQ; a rule addresses the attention points by path or kind', () => {
    const m = model();
    const report = prepare(m, { rules: [...transformerPreset('w4a4-lsq').rules, { match: 'blocks.*.attn', points: { scores: { bits: 6 } } }] }, { onWarning: () => {} });
    const bits = Object.fromEntries(report.points.map((p) => [p.label, `${p.quantizer}:${p.bits}`]));
    expect(bits['blocks.0.attn.v/weight']).toBe('lsq:4');
    expect(bits['blocks.0.attn/probs']).toBe('lsq:4');
    expect(bits['blocks.0.attn/scores']).toBe('lsq:6');
    expect(bits['blocks.1.add1/output']).toBe('lsq:8');
    m.dispose();
  });

  it('unknown presets and bad widths are refused', () => {
    expect(() => transformerPreset('w3a3' as never)).toThrow(/unknown preset "w3a3" \(presets: w8a8, w8a8-res16, w8a8-ibert, w4a8-lsq, w4a4-lsq\)/);
    expect(() => transformerRecipe({ wbits: 9, abits: 8 })).toThrow(/wbits must be an integer in 2\.\.8, got 9/);
    expect(() => transformerRecipe({ wbits: 8, abits: 8, weightQuantizer: 'pact' as never })).toThrow(/weightQuantizer must be 'uniform' or 'lsq'/);
    expect(() => transformerRecipe({ wbits: 8, abits: 8, integerOnly: 1 as never })).toThrow(/integerOnly must be true or false, got 1/);
  });
});
