import type { Suite } from '../suite.ts';

/** Every suite by name, loaded lazily so one suite's dependencies never slow another. */
export const SUITES: Record<string, () => Promise<Suite>> = {
  fakequant: async () => (await import('./fakequant.ts')).suite,
  gemm: async () => (await import('./gemm.ts')).suite,
};
