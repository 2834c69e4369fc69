import { describe, expect, it } from 'vitest';
import { randomUniform } from '@qatjs/test-utils/random';
import {
  codeRange, constantCodes, decodeModel, dtypeInfo, elementCount, encodeModel, nodeAttrs, runReference, traceReference,
  type IntModel, type ReferenceTensor,
} from '@qatjs/ir';
import { buildLenet } from './fixtures/lenet.ts';
import { float64Conv, type ConvCase } from './reference-helpers.ts';

// The LeNet fixture end to end: quantize, two conv + ReLU + maxPool, flatten, two gemm, dequantize.

const IMAGES = 2;
const PIXELS = 28 * 28;

/** conv2d and gemm nodes of a traced model as float64 ConvCases, from the traced input (gemm as a 1x1 conv). */
function convCaseOf(model: IntModel, nodeIndex: number, trace: Map<string, ReferenceTensor>): ConvCase {
  const node = model.nodes[nodeIndex];
  const x = trace.get(node.inputs[0]) as ReferenceTensor;
  const w = model.constants.find((c) => c.name === node.inputs[1]);
  const bias = model.constants.find((c) => c.name === node.inputs[2]);
  const y = model.values.find((v) => v.name === node.outputs[0]);
  if (!w?.quant || !x.quant || !y?.quant) throw new Error(`node ${node.name} lacks quant params`);
  const cout = w.shape[w.shape.length - 1];
  const scales = Array.from({ length: cout }, (_, o) => w.quant!.scale[w.quant!.scale.length === 1 ? 0 : o]);
  const gemm = node.op === 'gemm';
  const attrs = gemm ? { strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], groups: 1 } : nodeAttrs(node, 'conv2d');
  const [lo, hi] = gemm ? nodeAttrs(node, 'gemm').clamp : nodeAttrs(node, 'conv2d').clamp;
  return {
    x: { shape: gemm ? [x.shape[0], 1, 1, x.shape[1]] : x.shape, codes: x.data, scale: x.quant.scale[0], zeroPoint: x.quant.zeroPoint[0] },
    w: { shape: gemm ? [1, 1, ...w.shape] : w.shape, codes: constantCodes(w.dtype, w.data, elementCount(w.shape)), scales },
    bias: bias?.data, strides: attrs.strides, dilations: attrs.dilations, pads: attrs.pads, groups: attrs.groups,
    y: { scale: y.quant.scale[0], zeroPoint: y.quant.zeroPoint[0], lo, hi },
  };
}

describe('reference interpreter on the LeNet fixture', () => {
  const images = randomUniform(IMAGES * PIXELS, 7, 0, 1);

  for (const weights of ['int8', 'int4'] as const) {
    it(`${weights} weights: finite logits, every code inside its grid, each conv/gemm node equal to float64`, () => {
      const model = buildLenet(11, weights);
      const trace = traceReference(model, { image: images });
      const logits = trace.get('logits') as ReferenceTensor;
      expect(logits.shape).toEqual([IMAGES, 10]);
      expect(Array.from(logits.data).every(Number.isFinite)).toBe(true);
      // the logits differ between classes (the model computes something, not one clamped constant)
      expect(new Set(logits.data).size).toBeGreaterThan(3);
      for (const v of model.values) {
        if (!v.quant) continue;
        const { qmin, qmax } = codeRange(v.quant.bits, dtypeInfo(v.dtype).signed);
        const data = (trace.get(v.name) as ReferenceTensor).data;
        expect({ value: v.name, outside: Array.from(data).filter((c) => c < qmin || c > qmax).length }).toEqual({ value: v.name, outside: 0 });
      }
      model.nodes.forEach((node, i) => {
        if (node.op !== 'conv2d' && node.op !== 'gemm') return;
        const got = Array.from((trace.get(node.outputs[0]) as ReferenceTensor).data);
        expect({ node: node.name, codes: got }).toEqual({ node: node.name, codes: float64Conv(convCaseOf(model, i, trace)).codes });
      });
    });
  }

  it('gives each image the same logits alone as in a batch, and the decoded file the same as the model', () => {
    const model = buildLenet(12, 'int4');
    const batch = runReference(model, { image: images }).logits;
    for (let n = 0; n < IMAGES; n++) {
      const alone = runReference(model, { image: images.slice(n * PIXELS, (n + 1) * PIXELS) }, { batch: 1 }).logits;
      expect(Array.from(alone)).toEqual(Array.from(batch.slice(n * 10, (n + 1) * 10)));
    }
    expect(Array.from(runReference(decodeModel(encodeModel(model)), { image: images }).logits)).toEqual(Array.from(batch));
  });
});
