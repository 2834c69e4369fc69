/**
 * Every error this package throws for a bad argument, a disposed tensor or an exhausted memory.
 * (The package must not depend on tfjs, so it cannot use @qatjs/core's QatjsError.)
 */
export class BackendWasmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendWasmError';
  }
}
