// The scalar reference interpreter of IntModel: the oracle for convert() and the WASM runtime.
export { runReference, traceReference, type ReferenceOptions, type ReferenceOutputs } from './run.ts';
export type { ReferenceInputs, ReferenceInput } from './inputs.ts';
export { registerReferenceOp, getReferenceOp, listReferenceOps } from './registry.ts';
export type { ReferenceKernel, ReferenceContext, ReferenceTensor, ReferenceOutput, ActivationArray } from './tensor.ts';
