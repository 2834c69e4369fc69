import { QatjsError } from '@qatjs/core';

/** A layer's option or input is invalid; the message names the layer and what is wrong. */
export class LayerError extends QatjsError {
  override readonly name = 'LayerError';
}
