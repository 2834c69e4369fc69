import * as ort from 'onnxruntime-web';

// onnxruntime-web on the test's runtime: one thread, the wasm (CPU) execution provider.
ort.env.wasm.numThreads = 1;

export type Optimization = 'all' | 'extended' | 'basic' | 'disabled';

/** A session of the exported bytes; onnxruntime's load checks run here. */
export async function ortSession(bytes: Uint8Array, optimization: Optimization): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: optimization, executionProviders: ['wasm'] });
}

/** Runs one float32 NHWC batch through a session's first input and returns its first output. */
export async function runFloat(session: ort.InferenceSession, x: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x, [...shape]) };
  const out = await session.run(feeds);
  return out[session.outputNames[0]].data as Float32Array;
}
