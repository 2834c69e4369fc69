// The child process of kill-and-resume.test.ts: an LSQ QAT run of a small MLP on the shipped digits,
// with a file checkpoint store written every step and `resume: true`, so each start continues from
// the newest checkpoint. Prints "step N" after each step (before that step's checkpoint is written)
// and, when the run completes, writes every parameter and quantizer state to the output file.
// Usage: node train-child.mjs <checkpoint folder> <output file> <total steps>
import { writeFile } from 'node:fs/promises';
import { fileCheckpointStore, fit, initBackend, prepare } from '@qatjs/core';
import { batches, loadDigits } from '@qatjs/datasets';
import '@qatjs/quantizer-lsq';
import { Mlp } from '@qatjs/test-models';

const [dir, out, total] = process.argv.slice(2);
await initBackend('cpu');
const digits = await loadDigits();
const model = new Mlp([64, 32, 10], 7);
prepare(model, { rules: [{ match: '*', weight: { quantizer: 'lsq', bits: 4, perChannel: true }, output: { quantizer: 'lsq', bits: 4 } }] }, { onWarning: () => {} });
const result = await fit(model, {
  epochs: 2,
  maxSteps: Number(total),
  batches: (epoch) => batches(digits, { batchSize: 32, seed: 3, epoch, dropLast: true }),
  optimizer: { kind: 'adam' },
  learningRate: { kind: 'cosine', initial: 1e-2, warmupSteps: 3 },
  checkpoint: { store: fileCheckpointStore(dir), every: 1, resume: true },
  onProgress: (p) => process.stdout.write(`step ${p.step}\n`),
});
const params = model.namedParameters().map(([path, v]) => [path, Array.from(v.dataSync(), (x) => Buffer.from(Float32Array.of(x).buffer).toString('hex'))]);
const quantizers = model.namedQuantizers().map(([label, q]) => [label, q.state()]);
await writeFile(out, JSON.stringify({ steps: result.steps, resumedFrom: result.resumedFrom ?? 0, params, quantizers }));
process.stdout.write('done\n');
