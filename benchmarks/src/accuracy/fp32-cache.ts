// The FP32 model of an accuracy sweep, trained once per model and seed and kept as a checkpoint in
// the suite's cache folder: PTQ and QAT rows start from it, and a rerun restores it.
import { CheckpointError, captureModel, decodeCheckpoint, encodeCheckpoint, restoreModel, type CheckpointStore, type Module, type ModuleOutput } from '@qatjs/core';

/** Builds the model, restores `name` from the store if it holds a readable checkpoint, else trains it and stores it. */
export async function cachedFp32Model<M extends Module<ModuleOutput>>(store: CheckpointStore | undefined, name: string, make: () => M, train: (m: M) => Promise<void>): Promise<M> {
  const m = make();
  const bytes = await store?.read(name);
  if (bytes) {
    try {
      restoreModel(m, decodeCheckpoint(bytes));
      return m;
    } catch (e) {
      // a cached file from an older checkpoint format (or a corrupt one): train again
      if (!(e instanceof CheckpointError)) throw e;
      console.log(`  ${name}: ${e.message}; training again`);
    }
  }
  await train(m);
  await store?.write(name, encodeCheckpoint({ ...captureModel(m), optimizer: { weights: [] }, progress: { step: 0, epoch: 0, evaluations: [] } }));
  return m;
}

/** Writes a trained (QAT) model's checkpoint, so its int-runtime numbers can be computed later. */
export async function storeModel(store: CheckpointStore | undefined, name: string, m: Module<ModuleOutput>): Promise<void> {
  await store?.write(name, encodeCheckpoint({ ...captureModel(m), optimizer: { weights: [] }, progress: { step: 0, epoch: 0, evaluations: [] } }));
}
