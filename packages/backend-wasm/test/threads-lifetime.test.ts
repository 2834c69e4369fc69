// A threaded session's workers: a process that used one ends by itself (disposed or not), and a
// kernel that fails on a thread fails run() with its error, naming the thread.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelBuilder, encodeModel, makeQuant, registerOp, type OpSchema } from '@qatjs/ir';
import { BackendWasmError, loadSession, registerRuntimeOp, type WasmTensor } from '@qatjs/backend-wasm';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/** The runtime running this test, as a command line for a script. */
function runtimeCommand(script: string, arg: string): [string, string[]] {
  const rt = process.env.QATJS_TEST_RUNTIME ?? ((globalThis as { Deno?: unknown }).Deno ? 'deno' : (globalThis as { Bun?: unknown }).Bun ? 'bun' : 'node');
  if (rt === 'deno') return [join(root, 'node_modules', '.bin', 'deno'), ['run', '--allow-all', `--config=${join(root, 'deno.json')}`, script, arg]];
  if (rt === 'bun') return [join(root, 'node_modules', '.bin', 'bun'), [script, arg]];
  return [process.execPath, [script, arg]];
}

describe('threaded session lifetime', () => {
  for (const mode of ['dispose', 'keep'] as const) {
    it(`a process that ran a two-thread session exits by itself (${mode === 'dispose' ? 'disposed' : 'not disposed'})`, () => {
      const [cmd, args] = runtimeCommand(join(here, 'fixtures', 'threads-exit.mjs'), mode);
      const r = spawnSync(cmd, args, { cwd: join(here, '..'), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/ran 512 outputs on 2 threads, split [1-9]/);
    });
  }
});

// trapGemmS8: y = x, after a GEMM of 8 rows whose rows 4..7 (the worker's half) lie past the end
// of the memory: the worker traps, the main thread's rows 0..3 do not.
const schema: OpSchema = {
  op: 'trapGemmS8',
  inputs: [{ name: 'x', kind: 'activation', dtypes: ['int8'] }],
  outputs: [{ name: 'y', dtypes: ['int8'] }],
  attrs: {},
  infer: (ctx) => [{ shape: ctx.inputs[0]!.shape, dtype: 'int8', quant: ctx.inputs[0]!.quant }],
};

describe('a kernel failing on a worker', () => {
  it('fails run() with a BackendWasmError naming the worker and the trap', async () => {
    registerOp(schema);
    registerRuntimeOp('trapGemmS8', (ctx) => ({
      bind(inputs: readonly WasmTensor[], outputs: readonly WasmTensor[]) {
        const [x, y] = [inputs[0] as WasmTensor<'int8'>, outputs[0] as WasmTensor<'int8'>];
        const k = ctx.kernels;
        const a = k.heap.alloc(64);
        const aPacked = k.heap.alloc(256);
        const w = k.heap.alloc(256);
        const c = k.heap.alloc(64);
        return () => {
          y.view().set(x.view());
          const bytes = k.memory.buffer.byteLength;
          const ldc = Math.floor((bytes - c) / 3.5);
          k.raw.pack_lhs_s8_4xk2_s16(8, 2, a, 0, 0, aPacked);
          k.raw.gemm_s8s8_dot16(8, 8, 2, aPacked, w, c, ldc, 0, 0, -128, 127, 8);
        };
      },
    }));
    const b = new ModelBuilder();
    const q = b.quantize(b.input('x', 'float32', [-1, 4]), { dtype: 'int8', quant: makeQuant({ scale: 0.1 }) });
    const [t] = b.node('trapGemmS8', [q]);
    b.output(b.dequantize(t, { name: 'y' }));
    const bytes = encodeModel(b.build());
    const one = await loadSession(bytes);
    const two = await loadSession(bytes, { threads: 2, threadMinMacs: 0 });
    const x = { x: new Float32Array([0.1, 0.2, 0.3, 0.4]) };
    // One thread: the same GEMM traps on the main thread, as a plain WebAssembly error.
    expect(() => one.run(x)).toThrow();
    let error: unknown;
    try {
      two.run(x);
    } catch (e) {
      error = e;
    }
    // Whichever thread claimed the failing rows (the threads claim chunks as they come free) is named.
    expect(error).toBeInstanceOf(BackendWasmError);
    expect((error as Error).message).toMatch(/a kernel failed on (worker 1|the main thread): .*(out of bounds|Out of bounds)/);
    one.dispose();
    two.dispose();
  });
});
