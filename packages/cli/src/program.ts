// The qat command's grammar, with commander (its help and errors are generated from this).
import { Command, InvalidArgumentError, Option } from 'commander';
import { listPresets } from '@qatjs/core';
import { DATA_HELP } from './data/spec.ts';
import { listModels } from './models/registry.ts';

export interface Handlers {
  demo(o: { quick?: boolean; json?: boolean; seed: number }): Promise<void>;
  train(o: Record<string, unknown>): Promise<void>;
  eval(target: string, o: { data?: string; limit?: number; json?: boolean }): Promise<void>;
  convert(run: string, o: { format: string; out?: string; json?: boolean }): Promise<void>;
  inspect(file: string, o: { json?: boolean }): Promise<void>;
  bench(file: string, o: { batch: number; runs: number; json?: boolean }): Promise<void>;
}

const int = (min: number) => (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
  return n;
};
const positive = (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number > 0');
  return n;
};

export function buildProgram(h: Handlers, version: string): Command {
  const program = new Command('qat')
    .description('Quantization-aware training for TensorFlow.js: train, quantize, convert and run int8 models')
    .version(version)
    .option('--json', 'print machine-readable JSON results on stdout')
    .option('--verbose', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .enablePositionalOptions(false);

  program
    .command('demo')
    .description('the whole path on the shipped MNIST: FP32 LeNet-BN, PTQ, QAT w8a8, convert, the int8 runtime; a closing table (about 3 minutes on 2 cores)')
    .option('--quick', 'fewer images and epochs (under a minute)')
    .option('--seed <n>', 'random seed', int(0), 1)
    .option('--json', 'print the results as JSON')
    .action((o, cmd: Command) => h.demo({ ...cmd.optsWithGlobals(), ...o }));

  const models = listModels().map((m) => m.name);
  program
    .command('train')
    .description('train a model in float, or quantization-aware with --recipe (from --from weights); writes <out>/run.json and <out>/model.ckpt')
    .addOption(new Option('--model <name>', `the model: ${listModels().map((m) => `${m.name} (${m.description})`).join('; ')}`).makeOptionMandatory())
    .requiredOption('--data <spec>', `the data: ${DATA_HELP}`)
    .option('--recipe <preset|file.json>', `quantize: a preset (${listPresets().join(', ')}) or a recipe JSON file; without it, float training`)
    .option('--epochs <n>', 'epochs', int(1), 1)
    .requiredOption('--out <dir>', 'the run folder to write (refused if it holds a run, unless --resume)')
    .option('--from <run|checkpoint>', 'start from these weights (a run folder or a .ckpt file), e.g. the FP32 run for QAT')
    .option('--resume', 'continue the run in --out from its last checkpoint (same settings)')
    .option('--seed <n>', 'random seed (weights, batch order)', int(0), 1)
    .option('--lr <rate>', 'peak learning rate of the cosine schedule (default 2e-3; 2e-4 for QAT from --from)', positive)
    .option('--batch-size <n>', 'batch size', int(1), 64)
    .option('--max-steps <n>', 'stop after this many steps in total (the schedule still spans --epochs)', int(1))
    .option('--limit <n>', 'use at most n training and n test samples (quick runs)', int(1))
    .option('--checkpoint-every <n>', 'write a checkpoint every n steps', int(1), 50)
    .option('--json', 'print the results as JSON')
    .addHelpText('after', `\nModels: ${models.join(', ')} (lstm, gru and transformer come with their adapters).\nExamples:\n  qat train --model lenet --data mnist --epochs 2 --out runs/fp32\n  qat train --model lenet --data mnist --recipe w8a8 --from runs/fp32 --out runs/w8a8`)
    .action((o, cmd: Command) => h.train({ ...cmd.optsWithGlobals(), ...o }));

  program
    .command('eval')
    .description('test accuracy of a run (float or fake-quant) or of an int model file (int runtime, compared with its run when beside it)')
    .argument('<run|model.qir>', 'a run folder or an integer model file')
    .option('--data <spec>', `the data (default: the run's): ${DATA_HELP}`)
    .option('--limit <n>', 'use at most n test samples', int(1))
    .option('--json', 'print the results as JSON')
    .action((target: string, o, cmd: Command) => h.eval(target, { ...cmd.optsWithGlobals(), ...o }));

  program
    .command('convert')
    .description('convert a quantized run to an integer model file')
    .argument('<run>', 'a run folder trained with --recipe')
    .addOption(new Option('--format <format>', 'int8 (our runtime; int4/int2 weights packed as the recipe says) | onnx (ONNX QDQ; sizes but the batch fixed from the run)').default('int8'))
    .option('--out <file>', 'where to write (default <run>/model.qir, or <run>/model.onnx)')
    .option('--json', 'print the results as JSON')
    .action((run: string, o, cmd: Command) => h.convert(run, { ...cmd.optsWithGlobals(), ...o }));

  program
    .command('inspect')
    .description('per-layer table of an integer model file: op, bits, scheme, scale range, bytes')
    .argument('<model.qir>', 'an integer model file')
    .option('--json', 'print the results as JSON')
    .action((file: string, o, cmd: Command) => h.inspect(file, { ...cmd.optsWithGlobals(), ...o }));

  program
    .command('bench')
    .description('latency of an integer model on the int8 runtime, vs the deployable FP32 model on tfjs-backend-wasm when the file is in its run folder')
    .argument('<model.qir>', 'an integer model file')
    .option('--batch <n>', 'batch size', int(1), 64)
    .option('--runs <n>', 'timed runs (the median is reported)', int(1), 30)
    .option('--json', 'print the results as JSON')
    .action((file: string, o, cmd: Command) => h.bench(file, { ...cmd.optsWithGlobals(), ...o }));

  return program;
}
