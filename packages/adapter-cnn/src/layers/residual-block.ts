import * as tf from '@tensorflow/tfjs-core';
import { Module, QatjsError, type LoweredValue, type LoweringContext } from '@qatjs/core';
import { Add, type Activation } from '@qatjs/layers';

/** y = act(main(x) + shortcut(x)); the shortcut is the identity when not given (e.g. a 1x1 conv when shapes change). */
export class ResidualBlock extends Module {
  readonly kind = 'ResidualBlock';
  readonly main: Module;
  readonly shortcut: Module | undefined;
  readonly add: Add;

  constructor(o: { readonly main: Module; readonly shortcut?: Module; readonly activation?: Activation }) {
    super();
    if (!o || !(o.main instanceof Module)) throw new QatjsError('ResidualBlock: main must be a Module');
    this.main = this.registerModule('main', o.main);
    this.shortcut = o.shortcut ? this.registerModule('shortcut', o.shortcut) : undefined;
    this.add = this.registerModule('add', new Add({ activation: o.activation ?? 'relu', rank: 4 }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.add.forward(this.main.forward(x), this.shortcut ? this.shortcut.forward(x) : x));
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    const main = ctx.lowerChild('main', this.main, inputs);
    const skip = this.shortcut ? ctx.lowerChild('shortcut', this.shortcut, inputs) : inputs[0];
    return ctx.lowerChild('add', this.add, [main, skip]);
  }
}
