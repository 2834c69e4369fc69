// The README's example, run as written: quantize -> dense (int8 GEMM, ReLU) -> dequantize agrees
// with the float computation to within one output quantum.
import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelBuilder, encodeModel, makeQuant, runReference } from '@qatjs/ir';
import { kernelClamp, createKernels, loadSession } from '@qatjs/backend-wasm';

/** A model file as convert() names things: float32 'input' [-1, 28, 28, 1] -> 'output' [-1, 10]. */
function digitModel() {
  const b = new ModelBuilder();
  const x = b.quantize(b.input('input', 'float32', [-1, 28, 28, 1]), { dtype: 'int8', quant: makeQuant({ scale: 1 / 255, zeroPoint: -128 }) });
  const w = b.constant({ name: 'w', dtype: 'int8', shape: [784, 10], quant: makeQuant({ scale: 0.002 }), data: Int8Array.from({ length: 7840 }, (_, i) => ((i * 37) % 255) - 127) });
  const y = b.gemm(b.flatten(x), w, {}, { dtype: 'int8', quant: makeQuant({ scale: 0.05 }) });
  b.output(b.dequantize(y, { name: 'output' }));
  return b.build();
}

describe('README: deploy a model in five lines', () => {
  it('loads a model file and returns logits equal to the reference interpreter', async () => {
    const model = digitModel();
    const modelFile = join(await mkdtemp(join(tmpdir(), 'qatjs-readme-')), 'digits.qir');
    await writeFile(modelFile, encodeModel(model));
    const pixels = Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 29) / 28);
    // --- README runtime example start
    const { readFile } = await import('node:fs/promises');
    const session = await loadSession(await readFile(modelFile)); // validates every field of the file
    const { output } = session.run({ input: pixels }); // Float32Array of n * 28 * 28 reals -> n * 10 logits
    // --- README runtime example end
    expect(output).toBeInstanceOf(Float32Array);
    expect(Array.from(output)).toEqual(Array.from(runReference(model, { input: pixels }).output));
    session.dispose();
  });
});

describe('README example', () => {
  it('runs and matches float math within one quantum', async () => {
    // --- README example start
    const kernels = await createKernels();

    // A dense layer 4 -> 3: int8 weights [in, out] (tfjs's layout), per-channel scales, fused ReLU.
    const input = { scale: 0.05, zeroPoint: -10 };
    const output = { scale: 0.1, zeroPoint: -128 };
    const weight = { scale: [0.01, 0.02, 0.015] };
    const dense = kernels.createGemm({
      k: 4,
      n: 3,
      weights: Int8Array.of(10, -20, 30, 40, 50, -60, -70, 80, 90, 100, -110, 120),
      bias: Int32Array.of(100, -50, 0), // in units of input.scale * weight.scale[c]
      input,
      weight,
      output,
      clamp: kernelClamp('relu', output),
    });

    const xf = kernels.tensor('float32', [2, 4], [0.5, -1, 2, 0.25, 1.5, 0.75, -0.5, 3]);
    const x = kernels.tensor('int8', [2, 4]);
    const y = kernels.tensor('int8', [2, 3]);
    const yf = kernels.tensor('float32', [2, 3]);
    kernels.quantize(xf, x, input); // activations stay in WASM memory from here on
    dense.run(x, y);
    kernels.dequantize(y, yf, output);
    const result = yf.read(); // Float32Array(6)
    // --- README example end

    const w = [10, -20, 30, 40, 50, -60, -70, 80, 90, 100, -110, 120];
    const xq = [...x.read()].map((v) => (v - input.zeroPoint) * input.scale);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        let acc = [100, -50, 0][j] * input.scale * weight.scale[j];
        for (let k = 0; k < 4; k++) acc += xq[i * 4 + k] * w[k * 3 + j] * weight.scale[j];
        expect(Math.abs(result[i * 3 + j] - Math.max(0, acc))).toBeLessThanOrEqual(output.scale);
      }
    }
    for (const t of [xf, x, y, yf, dense]) t.dispose();
    expect(kernels.memoryStats().blocks).toBe(1); // only the GEMM scratch (packed A) is left
  });
});
