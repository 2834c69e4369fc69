import { QatjsError } from '@qatjs/ir';

/**
 * The export refused a model or an option: the message names the IR node (whose name carries the
 * layer path, e.g. `5.output` is layer `5`), its op and the reason. Never a silently wrong model.
 */
export class OnnxExportError extends QatjsError {
  override readonly name: string = 'OnnxExportError';
}
