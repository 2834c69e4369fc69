import type { Suite } from '../suite.ts';

/** Every suite by name, loaded lazily so one suite's dependencies never slow another. */
export const SUITES: Record<string, () => Promise<Suite>> = {
  fakequant: async () => (await import('./fakequant.ts')).suite,
  'accuracy-digits-mlp': async () => (await import('./accuracy-digits-mlp.ts')).suite,
  'qat-step': async () => (await import('./qat-step.ts')).suite,
  gemm: async () => (await import('./gemm.ts')).suite,
  'accuracy-mnist-cnn': async () => (await import('./accuracy-mnist-cnn.ts')).suite,
  'accuracy-seqmnist-rnn': async () => (await import('./accuracy-seqmnist-rnn.ts')).suite,
  'accuracy-shakespeare-lstm': async () => (await import('./accuracy-shakespeare-lstm.ts')).suite,
  e2e: async () => (await import('./e2e.ts')).suite,
  'e2e-rnn': async () => (await import('./e2e-rnn.ts')).suite,
  'e2e-transformer': async () => (await import('./e2e-transformer.ts')).suite,
  'e2e-threads': async () => (await import('./e2e-threads.ts')).suite,
  size: async () => (await import('./size.ts')).suite,
  'accuracy-shakespeare-transformer': async () => (await import('./accuracy-shakespeare-transformer.ts')).suite,
};
