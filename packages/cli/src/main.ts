import { CommanderError } from 'commander';
import { QatjsError } from '@qatjs/core';
import { CliError, EXIT } from './errors.ts';
import type { Io } from './platform.ts';
import { buildProgram } from './program.ts';
import { bench } from './commands/bench.ts';
import { convertRun } from './commands/convert.ts';
import { demo, printDemo } from './commands/demo.ts';
import { evalTarget } from './commands/eval.ts';
import { inspect, printInspect } from './commands/inspect.ts';
import { train, type TrainOptions } from './commands/train.ts';
import './models/builtin.ts';
import './models/recurrent.ts';
import './models/language.ts';

export const VERSION = '0.0.0';

const pct = (v: number) => `${v.toFixed(2)}%`;

/** The exit code an error gives, and its one-line message. */
function describeError(e: unknown): { code: number; message: string } {
  if (e instanceof CliError) return { code: e.exitCode, message: e.message };
  // errors of the libraries (bad data, a corrupt checkpoint, a recipe that does not apply...): the input
  if (e instanceof QatjsError) return { code: e.name === 'NonFiniteError' ? EXIT.failure : EXIT.input, message: e.message };
  return { code: EXIT.failure, message: `internal error: ${e instanceof Error ? e.message : String(e)}` };
}

/**
 * Runs the qat command with these arguments (without the runtime and script: process.argv.slice(2))
 * and returns the exit code. Results go to io.out, progress, warnings and errors to io.err.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const verbose = argv.includes('--verbose');
  const json = (o: { json?: boolean }) => Boolean(o.json);
  const print = (o: { json?: boolean }, value: unknown, text: () => string) => io.out(json(o) ? `${JSON.stringify(value, null, 2)}\n` : text());
  const program = buildProgram(
    {
      async demo(o) {
        const r = await demo(o, io);
        if (o.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
        else printDemo(r, io);
      },
      async train(o) {
        const r = await train(o as unknown as TrainOptions, io);
        print(o, r, () =>
          `${r.recipe ? `QAT ${r.recipe}` : 'FP32'} ${r.model} on ${r.data}: ${r.steps} steps${r.resumedFrom !== undefined ? ` (resumed at ${r.resumedFrom})` : ''} in ${r.seconds.toFixed(1)} s; ` +
          (r.bpc !== undefined
            ? `${r.ptqBpc !== undefined ? `PTQ ${r.ptqBpc.toFixed(3)} bpc, ` : ''}test ${r.bpc.toFixed(3)} bpc`
            : `${r.ptqAccuracy !== undefined ? `PTQ accuracy ${pct(r.ptqAccuracy)}, ` : ''}test accuracy ${pct(r.accuracy!)}`) +
          `${r.recipe ? ' (fake-quant)' : ''}\nwrote ${r.out}\n`,
        );
      },
      async eval(target, o) {
        const r = await evalTarget(target, o);
        print(o, r, () =>
          r.bpc !== undefined
            ? `${target}: ${r.kind === 'int-model' ? 'int runtime ' : ''}${r.bpc.toFixed(3)} bits per character on ${r.samples} characters of ${r.data}` +
              (r.fakeQuantBpc !== undefined ? `; fake-quant model ${r.fakeQuantBpc.toFixed(3)}` : '') + '\n'
            : r.kind === 'run'
            ? `${target}: test accuracy ${pct(r.accuracy!)} on ${r.samples} samples of ${r.data}\n`
            : `${target}: int runtime test accuracy ${pct(r.accuracy!)} on ${r.samples} samples of ${r.data}` +
              (r.fakeQuantAccuracy !== undefined ? `; fake-quant model ${pct(r.fakeQuantAccuracy)}; same argmax on ${pct(r.agreement!)}` : '') + '\n',
        );
      },
      async convert(run, o) {
        const r = await convertRun(run, o);
        print(o, r, () => `wrote ${r.out} (${r.format}, ${r.bytes} bytes)\n`);
      },
      async inspect(file, o) {
        const r = await inspect(file);
        if (o.json) io.out(`${JSON.stringify(r, null, 2)}\n`);
        else printInspect(r, io);
      },
      async bench(file, o) {
        const r = await bench(file, o);
        print(o, r, () =>
          `${file}, batch ${r.batch}, median of ${r.runs}: int8 runtime ${r.int8Ms.toFixed(3)} ms` +
            (r.fp32Ms !== undefined ? `, FP32 tfjs-wasm ${r.fp32Ms.toFixed(3)} ms (${(r.fp32Ms / r.int8Ms).toFixed(1)}x)` : ' (no run.json beside the file: no FP32 comparison)') + '\n',
        );
      },
    },
    VERSION,
  );
  program.exitOverride();
  const applyOutput = (c: typeof program) => {
    c.configureOutput({ writeOut: (s) => io.out(s), writeErr: () => {}, outputError: () => {} });
    c.exitOverride();
    for (const sub of c.commands) applyOutput(sub as typeof program);
  };
  applyOutput(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return e.code === 'commander.help' ? EXIT.usage : EXIT.ok;
      io.err(`qat: ${e.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}\n`);
      return EXIT.usage;
    }
    const { code, message } = describeError(e);
    io.err(`qat: ${message}\n`);
    if (verbose && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return code;
  }
}
