import { describe, expect, it } from 'vitest';
import { runReference } from '@qatjs/ir';
import { randomUniform } from '@qatjs/test-utils';
import { exportOnnx } from '../src/index.ts';
import { allOpsModel } from './helpers/all-ops-model.ts';
import { ortSession, runFloat, type Optimization } from './helpers/ort.ts';

const N = 64;
const x = randomUniform(N * 6 * 6 * 3, 7, -1.5, 1.5);

/** The largest difference from the reference interpreter, in output quanta, and how many outputs differ. */
async function agreement(bytes: Uint8Array, optimization: Optimization) {
  const ir = allOpsModel();
  const ref = runReference(ir, { input: x })[ir.outputs[0]] as Float32Array;
  const s = ir.values.find((v) => v.name === 'head.matmul')?.quant?.scale[0] as number;
  const y = await runFloat(await ortSession(bytes, optimization), x, [N, 6, 6, 3]);
  let worst = 0;
  let differ = 0;
  for (let i = 0; i < y.length; i++) {
    const d = Math.abs(y[i] - ref[i]) / s;
    worst = Math.max(worst, d);
    if (d > 1e-3) differ++;
  }
  return { worst, differ, count: y.length };
}

describe('every built-in IR op exports to a QDQ graph that onnxruntime runs as the reference interpreter does', () => {
  // Without graph optimizations onnxruntime runs the QDQ graph as written: float ops between exact
  // DequantizeLinear and QuantizeLinear, which give the IR's codes bit for bit on this model.
  // With them, it fuses QDQ groups into integer kernels (QLinearConv...) whose requantization rounds a
  // few codes differently by one; a sigmoid and a matmul downstream amplify those, so the final outputs
  // are checked for the share that differs.
  const cases: Array<[string, Parameters<typeof exportOnnx>[1], Optimization, number]> = [
    ['opset 13, QCDQ below 8 bits', {}, 'disabled', 0],
    ['opset 13, QCDQ below 8 bits', {}, 'all', 0.02],
    // onnxruntime-web 1.30's extended rewrites fail to load opset-21 QDQ graphs (see the guide)
    ['opset 21, int4 types', { opset: 21, lowBits: 'int4' }, 'disabled', 0],
    ['opset 21, int4 types', { opset: 21, lowBits: 'int4' }, 'basic', 0],
  ];
  for (const [name, options, level, share] of cases) {
    it(`${name}, graph optimizations ${level}: ${share === 0 ? 'the reference interpreter\'s outputs exactly' : `outputs equal to the reference interpreter's but for < ${share * 100}%`}`, async () => {
      const r = await agreement(exportOnnx(allOpsModel(), options), level);
      console.log(`all-ops model, ${name}, optimizations ${level}: ${r.differ} of ${r.count} outputs differ, largest ${r.worst.toFixed(3)} quanta`);
      if (share === 0) expect(r.worst).toBe(0);
      else expect(r.differ / r.count).toBeLessThan(share);
    });
  }
});
