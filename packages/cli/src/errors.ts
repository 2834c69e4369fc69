import { QatjsError } from '@qatjs/core';

/**
 * Exit codes of the qat command: 0 success, 1 a failure while working (a diverged run...), 2 a usage
 * error (unknown command or flag, bad value, unknown preset or model), 3 unreadable input (a missing
 * file, corrupt data, a file that is not a model), 130 interrupted (Ctrl-C).
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, input: 3, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the command reports as one line, with its exit code. */
export class CliError extends QatjsError {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
  }
}

export const usage = (message: string): CliError => new CliError(message, EXIT.usage);
export const badInput = (message: string): CliError => new CliError(message, EXIT.input);
