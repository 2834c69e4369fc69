import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importSpecifiers, sourceFiles } from '@qatjs/test-utils/imports';

// docs/architecture.md: onnx depends on core and ir (and protobufjs) only, never on an adapter or a
// layer package (they contribute their export through registerOnnxOp), and uses no Node-only API.
describe('@qatjs/onnx imports', () => {
  it('only @qatjs/core, @qatjs/ir, protobufjs and its own files', () => {
    const src = fileURLToPath(new URL('../src', import.meta.url));
    const bad = sourceFiles(src).flatMap((f) =>
      importSpecifiers(readFileSync(f, 'utf8'))
        .filter((s) => !(s.startsWith('.') || s === '@qatjs/core' || s === '@qatjs/ir' || s === 'protobufjs/light.js'))
        .map((s) => `${f}: ${s}`),
    );
    expect(bad).toEqual([]);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@qatjs/core', '@qatjs/ir', 'protobufjs']);
  });
});
