import * as tf from '@tensorflow/tfjs-core';
import { Module, type QuantPointDecl } from '@qatjs/core';

/** A fully connected layer, y = act(x W + b), quantizing input, weight and output. */
export class Dense extends Module {
  readonly kind = 'Dense';
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(
    readonly inFeatures: number,
    readonly units: number,
    readonly relu: boolean,
    seed: number,
  ) {
    super();
    const limit = Math.sqrt(6 / inFeatures); // He-uniform
    this.weight = this.registerParameter('weight', tf.randomUniform([inFeatures, units], -limit, limit, 'float32', seed));
    this.bias = this.registerParameter('bias', tf.zeros([units]));
  }

  override quantPoints(): QuantPointDecl[] {
    return [
      { name: 'input', role: 'activation', shape: [this.inFeatures], channelAxis: 1 },
      { name: 'weight', role: 'weight', shape: [this.inFeatures, this.units], channelAxis: 1, initialValue: () => this.weight },
      { name: 'output', role: 'activation', shape: [this.units], channelAxis: 1, nonNegative: this.relu },
    ];
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const w = this.quantize('weight', this.weight);
      const y = tf.add(tf.matMul(this.quantize('input', x) as tf.Tensor2D, w as tf.Tensor2D), this.bias);
      return this.quantize('output', this.relu ? tf.relu(y) : y);
    });
  }
}

/** A multilayer perceptron: ReLU hidden layers, linear logits. */
export class Mlp extends Module {
  readonly kind = 'Mlp';
  readonly layers: Dense[];

  constructor(sizes: number[], seed = 1) {
    super();
    this.layers = sizes.slice(1).map((units, i) => this.registerModule(`fc${i + 1}`, new Dense(sizes[i], units, i < sizes.length - 2, seed + i)));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, l) => l.forward(h), x));
  }
}
