import { QatjsError } from '@qatjs/ir';

/** A training kernel was called with inputs it cannot take, or the wasm backend is not what it needs. */
export class WasmTrainingError extends QatjsError {
  override readonly name = 'WasmTrainingError';
}
