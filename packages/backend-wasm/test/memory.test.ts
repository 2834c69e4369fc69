// The WASM memory manager and tensors: alignment, zero fill, reuse and coalescing of freed blocks,
// growth (old tensors keep their data), double free, disposed tensors, write() range checks.
import { beforeAll, describe, expect, it } from 'vitest';
import { BackendWasmError, createKernels, loadSession, type WasmKernels } from '@qatjs/backend-wasm';
import { randomModel } from './runtime/random-model.ts';

let K: WasmKernels;
beforeAll(async () => {
  K = await createKernels({ initialMemoryBytes: 1 << 16 });
});

describe('heap', () => {
  it('aligns blocks to 64 bytes, zero-fills them, and never overlaps live blocks', () => {
    const sizes = [1, 7, 64, 65, 1000, 3, 0, 4096];
    const ptrs = sizes.map((s) => K.heap.alloc(s));
    for (const p of ptrs) expect(p % 64).toBe(0);
    const spans = ptrs.map((p, i) => [p, p + sizes[i] + 16] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    // Dirty a block, free it, get it back: zeroed again.
    new Uint8Array(K.memory.buffer, ptrs[4], 1000).fill(0xab);
    K.heap.free(ptrs[4]);
    const again = K.heap.alloc(1000);
    expect(again).toBe(ptrs[4]);
    expect(new Uint8Array(K.memory.buffer, again, 1000).every((v) => v === 0)).toBe(true);
    for (const p of [...ptrs.filter((_, i) => i !== 4), again]) K.heap.free(p);
  });

  it('coalesces freed neighbours and returns them to the top', () => {
    const before = K.memoryStats();
    const a = K.heap.alloc(100);
    const b = K.heap.alloc(100);
    const c = K.heap.alloc(100);
    K.heap.free(a);
    K.heap.free(c);
    K.heap.free(b); // joins a and c
    const after = K.memoryStats();
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.blocks).toBe(before.blocks);
    expect(after.bytesFree).toBe(before.bytesFree);
    const big = K.heap.alloc(300); // fits where a, b, c were
    expect(big).toBe(a);
    K.heap.free(big);
  });

  it('throws on a double free or an unknown address', () => {
    const p = K.heap.alloc(10);
    K.heap.free(p);
    expect(() => K.heap.free(p)).toThrow(BackendWasmError);
    expect(() => K.heap.free(12345)).toThrow(/not a live block/);
  });

  it('grows the memory and keeps existing tensors intact', () => {
    const t = K.tensor('int32', [1000], Int32Array.from({ length: 1000 }, (_, i) => i * 7 - 3000));
    const before = K.memoryStats().memoryBytes;
    const big = K.tensor('int8', [3 << 20]);
    expect(K.memoryStats().memoryBytes).toBeGreaterThan(before);
    expect([...t.read()]).toEqual(Array.from({ length: 1000 }, (_, i) => i * 7 - 3000));
    big.dispose();
    t.dispose();
  });

  it('refuses allocations past the maximum with a clear error and stays usable', async () => {
    const small = await createKernels({ initialMemoryBytes: 1 << 16, maximumMemoryBytes: 1 << 20 });
    expect(() => small.tensor('int8', [2 << 20])).toThrow(/out of WASM memory/);
    const t = small.tensor('int8', [1000], new Int8Array(1000).fill(5));
    expect(t.read()[999]).toBe(5);
    t.dispose();
  });

  it('checks createKernels options', async () => {
    await expect(createKernels({ maximumMemoryBytes: 10 })).rejects.toThrow(/maximumMemoryBytes/);
    await expect(createKernels({ initialMemoryBytes: 1.5 })).rejects.toThrow(/initialMemoryBytes/);
  });

  it('refuses a maximumMemoryBytes that is not whole 64 KiB pages with a BackendWasmError, never a RangeError', async () => {
    for (const v of [65537, 1e6, 2 ** 32 - 1, 65536 * 3 + 1]) {
      const err = await createKernels({ maximumMemoryBytes: v }).catch((e: unknown) => e);
      expect(`${v}: ${(err as Error).name}`).toBe(`${v}: BackendWasmError`);
      expect((err as Error).message).toMatch(new RegExp(`maximumMemoryBytes must be a whole number of 64 KiB WebAssembly pages \\(a multiple of 65536\\), got ${v}; the nearest are \\d+ and \\d+`));
    }
    for (const v of ['1e6', Number.NaN, -65536, 2 ** 32 + 65536]) {
      await expect(createKernels({ maximumMemoryBytes: v as number })).rejects.toThrow(BackendWasmError);
    }
    await expect(loadSession(randomModel(5, { input: 'float32' }), { maximumMemoryBytes: 1e6 })).rejects.toThrow(/maximumMemoryBytes must be a whole number/);
  });

  it('takes any whole number of pages as the maximum, and rounds initialMemoryBytes up to pages within it', async () => {
    for (const [initial, maximum, want] of [[undefined, 65536, 65536], [1e6, 1 << 20, 1 << 20], [1e6, 2 << 20, 16 * 65536], [65537, 131072, 131072]] as const) {
      const k = await createKernels({ maximumMemoryBytes: maximum, ...(initial === undefined ? {} : { initialMemoryBytes: initial }) });
      expect(k.memoryStats().memoryBytes).toBe(want);
      const t = k.tensor('int8', [100]);
      t.dispose();
    }
  });
});

describe('tensors', () => {
  it('write() checks length, integrality and range; read() copies', () => {
    const t = K.tensor('int8', [2, 3]);
    expect([...t.read()]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => t.write([1, 2, 3])).toThrow(/3 values for a tensor of shape \[2, 3\]/);
    expect(() => t.write([1, 2, 3, 4, 5, 128])).toThrow(/element 5 = 128 is not a int8/);
    expect(() => t.write([1, 2, 3, 4, 5, 1.5])).toThrow(/not a int8/);
    t.write([1, -2, 3, -4, 5, -128]);
    const copy = t.read();
    copy[0] = 99;
    expect(t.read()[0]).toBe(1);
    expect(() => K.tensor('int32', [1], [2 ** 31])).toThrow(/not a int32/);
    const f = K.tensor('float32', [2], [NaN, 1.5]);
    expect(Number.isNaN(f.read()[0])).toBe(true);
    t.dispose();
    f.dispose();
  });

  it('reshape keeps the data and checks the element count', () => {
    const t = K.tensor('int8', [2, 6], Array.from({ length: 12 }, (_, i) => i));
    t.reshape([3, 4]);
    expect(t.shape).toEqual([3, 4]);
    expect([...t.read()]).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(() => t.reshape([5, 2])).toThrow(/12 elements vs 10/);
    t.dispose();
  });

  it('reshaped() aliases the same memory; the owner\'s dispose invalidates the alias', () => {
    const t = K.tensor('int8', [2, 2, 3], Array.from({ length: 12 }, (_, i) => i - 6));
    const rows = t.reshaped([4, 3]);
    expect(rows.shape).toEqual([4, 3]);
    expect(rows.byteOffset).toBe(t.byteOffset);
    rows.write(Array.from({ length: 12 }, (_, i) => 2 * i));
    expect([...t.read()]).toEqual(Array.from({ length: 12 }, (_, i) => 2 * i));
    const blocks = K.memoryStats().blocks;
    rows.dispose(); // an alias frees nothing
    expect(K.memoryStats().blocks).toBe(blocks);
    expect(t.read()[1]).toBe(2);
    expect(() => t.reshaped([5])).toThrow(/12 elements vs 5/);
    t.dispose();
    expect(rows.disposed).toBe(true);
    expect(() => rows.read()).toThrow(/disposed/);
  });

  it('a disposed tensor cannot be used, and dispose is idempotent', () => {
    const t = K.tensor('int8', [4]);
    const blocks = K.memoryStats().blocks;
    t.dispose();
    t.dispose();
    expect(K.memoryStats().blocks).toBe(blocks - 1);
    expect(t.disposed).toBe(true);
    expect(() => t.read()).toThrow(/disposed/);
    expect(() => t.write([1, 2, 3, 4])).toThrow(/disposed/);
  });

  it('rejects bad shapes and dtypes', () => {
    expect(() => K.tensor('int8', [2, -1])).toThrow(/bad dimension -1/);
    expect(() => K.tensor('int8', [2.5])).toThrow(/bad dimension/);
    expect(() => K.tensor('uint8' as never, [2])).toThrow(/dtype must be/);
  });

  it('ops leave no blocks behind beyond their packed weights and scratch', () => {
    const x = K.tensor('int8', [5, 16], new Int8Array(80).fill(3));
    const y = K.tensor('int8', [5, 8]);
    const g = K.createGemm({ k: 16, n: 8, weights: new Int8Array(128).fill(1), input: { scale: 1, zeroPoint: 0 }, weight: { scale: 1 }, output: { scale: 64, zeroPoint: 0 } });
    g.run(x, y); // allocates the scratch once
    const blocks = K.memoryStats().blocks;
    for (let i = 0; i < 5; i++) g.run(x, y);
    expect(K.memoryStats().blocks).toBe(blocks);
    g.dispose();
    expect(K.memoryStats().blocks).toBe(blocks - 1);
    expect(() => g.run(x, y)).toThrow(/disposed/);
    x.dispose();
    y.dispose();
  });
});
