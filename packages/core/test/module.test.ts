import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Module, QatjsError, Sequential } from '@qatjs/core';
import { useBackend } from '@qatjs/test-utils';
import { TestDense, TestScale } from './helpers/test-layers.ts';

class Block extends Module {
  readonly kind = 'Block';
  readonly fc: TestDense;
  constructor() {
    super();
    this.fc = this.registerModule('fc', new TestDense(3, 3, true, 7));
    this.registerParameter('gain', tf.ones([3]));
  }
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(x, this.fc.forward(x)));
  }
}

describe('Module', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('names modules and parameters by dotted paths, parents first', () => {
    const m = new Sequential([new TestDense(3, 4, true), new Block(), new TestScale()]);
    expect([...m.namedModules()].map(([p, mod]) => `${p}:${mod.kind}`)).toEqual([':Sequential', '0:Dense', '1:Block', '1.fc:Dense', '2:Scale']);
    expect(m.namedParameters().map(([p]) => p)).toEqual(['0.weight', '0.bias', '1.gain', '1.fc.weight', '1.fc.bias']);
    expect(m.trainableVariables()).toHaveLength(5);
    m.dispose();
  });

  it('Sequential keeps the names of an object of children, in order, and refuses numeric names', () => {
    const m = new Sequential({ fc1: new TestDense(3, 3, true), block: new Block(), scale: new TestScale() });
    expect([...m.namedModules()].map(([p]) => p)).toEqual(['', 'fc1', 'block', 'block.fc', 'scale']);
    expect(m.namedParameters().map(([p]) => p)).toEqual(['fc1.weight', 'fc1.bias', 'block.gain', 'block.fc.weight', 'block.fc.bias']);
    const y = m.forward(tf.ones([2, 3]));
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
    m.dispose();
    const d = new TestDense(2, 2);
    expect(() => new Sequential({ fc: d, 1: new TestScale() })).toThrow("Sequential: child name '1' is a number (objects reorder those); pass an array for numbered children");
    expect(() => new Sequential('conv' as never)).toThrow('Sequential: expected an array of modules or an object of named modules, got');
    expect(() => new Sequential({ 'a.b': d })).toThrow(QatjsError);
    d.dispose();
  });

  it('switches train and eval mode for the whole tree', () => {
    const m = new Sequential([new TestDense(2, 2), new Block()]);
    expect([...m.namedModules()].every(([, mod]) => mod.training)).toBe(true);
    m.eval();
    expect([...m.namedModules()].some(([, mod]) => mod.training)).toBe(false);
    m.train();
    expect([...m.namedModules()].every(([, mod]) => mod.training)).toBe(true);
    m.dispose();
  });

  it('runs forward without leaking and disposes its variables', () => {
    const m = new Sequential([new TestDense(3, 4, true), new Block()]);
    const x = tf.randomNormal([5, 4]);
    const before = tf.memory().numTensors;
    const y = m.forward(x);
    expect(y.shape).toEqual([5, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    const withModel = tf.memory().numTensors;
    m.dispose();
    expect(tf.memory().numTensors).toBe(withModel - 5);
  });

  it('rejects bad names, duplicates, non-modules and unknown points', () => {
    class Bad extends Module {
      readonly kind = 'Bad';
      forward(x: tf.Tensor) {
        return x;
      }
      add(name: string, m: unknown) {
        return this.registerModule(name, m as Module);
      }
      param(name: string) {
        return this.registerParameter(name, tf.zeros([1]));
      }
    }
    const b = new Bad();
    expect(() => b.param('a.b')).toThrow(/parameter name "a.b" must be an identifier or an index/);
    b.param('w');
    expect(() => b.param('w')).toThrow(/'w' is already registered/);
    expect(() => b.add('child', {})).toThrow(/child 'child' is not a Module/);
    expect(() => new TestDense(2, 2).attachQuantizer('state', {} as never)).toThrow(QatjsError);
    expect(() => new TestDense(2, 2).attachQuantizer('state', {} as never)).toThrow(/no quantization point 'state' \(declared: input, weight, output\)/);
    expect(() => new Sequential('x' as never)).toThrow(/expected an array of modules/);
    b.dispose();
  });
});
