import { describe, expect, it } from 'vitest';
import { encodeModel, encodedSize, sizeReport } from '@qatjs/ir';
import { buildLenet } from './fixtures/lenet.ts';

// LeNet weights: conv1 5*5*1*16 + conv2 5*5*16*32 + fc1 512*128 + fc2 128*10 = 80016; biases 186 int32
const WEIGHTS = 400 + 12800 + 65536 + 1280;
const BIAS = 16 + 32 + 128 + 10;

describe('sizeReport', () => {
  for (const dtype of ['int8', 'int4'] as const) {
    it(`accounts for every byte of the ${dtype} LeNet file`, () => {
      const model = buildLenet(1, dtype);
      const bytes = encodeModel(model);
      const report = sizeReport(model);
      expect(report.fileBytes).toBe(bytes.length);
      expect(encodedSize(model)).toBe(bytes.length);
      expect(report.headerBytes).toBe(new DataView(bytes.buffer).getUint32(12, true));
      const weightBytes = dtype === 'int8' ? WEIGHTS : 200 + 6400 + 32768 + 640;
      expect(report.constantBytesByDType).toEqual({ int8: dtype === 'int8' ? WEIGHTS : 0, uint8: 0, int16: 0, int4: dtype === 'int4' ? weightBytes : 0, int2: 0, int32: BIAS * 4, float32: 0 });
      expect(report.constantElementsByDType[dtype]).toBe(WEIGHTS);
      expect(report.constantBytes).toBe(weightBytes + BIAS * 4);
      // the quant tables: a scale and a zero point per activation (pooling and flatten keep their input's); a scale per weight channel (symmetric
      // weights store no zero points); the biases' params are derived, not stored
      const keepsGrid = (name: string) => model.nodes.some((n) => n.outputs.includes(name) && ['maxPool', 'flatten'].includes(n.op));
      const activations = model.values.filter((v) => v.quant && !keepsGrid(v.name)).length;
      const weightChannels = model.constants.filter((c) => c.dtype !== 'int32').reduce((s, c) => s + (c.quant?.scale.length ?? 0), 0);
      expect(weightChannels).toBe(BIAS);
      expect(report.quantBytes).toBe(4 * activations + activations + 4 * weightChannels);
      // the rest is the preamble and alignment padding (< 16 bytes per buffer, after the header and before the tables)
      const slack = report.fileBytes - 20 - report.headerBytes - report.constantBytes - report.quantBytes;
      expect(slack).toBeGreaterThanOrEqual(0);
      expect(slack).toBeLessThan(16 * (model.constants.length + 2));
    });
  }
});
