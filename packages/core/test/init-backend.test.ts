import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { QatjsError, initBackend } from '@qatjs/core';

describe('initBackend', () => {
  it('loads and selects the wasm and cpu backends on this runtime', async () => {
    tf.env().set('PROD', true);
    await initBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    await initBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await initBackend();
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects unknown backends by name', async () => {
    await expect(initBackend('webgl' as never)).rejects.toThrow(QatjsError);
    await expect(initBackend('webgl' as never)).rejects.toThrow(/unknown backend "webgl" \(use 'wasm' or 'cpu'\)/);
  });
});
