import * as tf from '@tensorflow/tfjs-core';

interface EngineState {
  gradientDepth: number;
  activeTape: Array<{ saved?: tf.Tensor[] }> | null;
}

/**
 * While a gradient is being recorded, tfjs keeps a copy of the tensors each op's gradient will need
 * (the tape's "saved" tensors) outside every tidy scope, and frees them only after the backward pass.
 * When the forward pass throws (a loss function, a layer, a quantizer refusing NaN), there is no
 * backward pass: this frees those copies. Call it after variableGrads() threw, outside any other
 * gradient computation.
 */
export function disposeAbandonedTape(): void {
  const state = (tf.engine() as unknown as { state?: EngineState }).state;
  if (!state || state.gradientDepth !== 0 || !Array.isArray(state.activeTape)) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) if (!t.isDisposed) t.dispose();
  state.activeTape = null;
}
