import { QatjsError } from '@qatjs/ir';

/** Every error this package throws for a bad argument, a disposed tensor or an exhausted memory. */
export class BackendWasmError extends QatjsError {
  override readonly name: string = 'BackendWasmError';
}
