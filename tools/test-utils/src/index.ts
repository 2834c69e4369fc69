export * from './reference.ts';
export * from './random.ts';
export * from './backends.ts';
export * from './compare.ts';
export * from './readme.ts';
