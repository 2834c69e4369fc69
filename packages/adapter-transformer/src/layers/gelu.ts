import * as tf from '@tensorflow/tfjs-core';
import { gridOf, type LoweredValue, type LoweringContext } from '@qatjs/core';
import { FloatActivation, type FloatActivationOptions } from '@qatjs/layers';
import { customOp } from './custom-op.ts';
import { iGeluValues } from './integer-only.ts';
import { lowerIntegerOnly } from './lower-integer-only.ts';

/** sqrt(2 / pi), the constant of GELU's tanh form. */
export const GELU_C = Math.sqrt(2 / Math.PI);
/** The cubic coefficient of GELU's tanh form. */
export const GELU_A = 0.044715;

/**
 * GELU in its tanh form (GPT-2's, PyTorch's approximate='tanh'):
 * y = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in float32 with its own output quantizer; the
 * integer model runs the IR's float `gelu` (the same formula) between a dequantize and a quantize.
 * The gradient is the closed form, in one pass.
 * Integer-only (a recipe rule's `integerOnly`): I-BERT's i-GELU (the erf form through a polynomial)
 * on the input's codes, lowered to the IR's `iGelu`; the gradient stays the tanh form's.
 */
export class Gelu extends FloatActivation {
  readonly kind = 'Gelu';
  protected readonly nonNegativeOutput = false;
  constructor(o: FloatActivationOptions = {}) {
    super(o, 'Gelu');
  }
  override get hasIntegerOnlyForm(): boolean {
    return true;
  }
  protected fn(x: tf.Tensor): tf.Tensor {
    const grid = this.integerOnly ? gridOf(x) : undefined;
    return grid ? gelu(x, (xi) => iGeluValues(xi, grid)) : gelu(x);
  }
  override lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    if (!this.integerOnly) return super.lower(ctx, inputs);
    return lowerIntegerOnly(ctx, this, inputs, 'iGelu');
  }
  protected lowerFn(ctx: LoweringContext, x: string): string {
    return ctx.builder.node('gelu', [x], {}, [{ name: ctx.name('gelu') }])[0];
  }
}

/**
 * GELU (tanh form) with the closed-form derivative 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 a x^2).
 * `value`, when given, computes the forward value instead (the integer-only form); the gradient stays.
 */
export function gelu(x: tf.Tensor, value?: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return customOp(([x0], save) => {
    const x2 = tf.square(x0);
    const t0 = tf.tanh(tf.mul(tf.mul(x0, tf.add(1, tf.mul(GELU_A, x2))), GELU_C));
    save([x0, t0]);
    return {
      value: value ? value(x0) : tf.mul(tf.mul(x0, 0.5), tf.add(t0, 1)),
      gradFunc: (dy, [xi, t]) => {
        const inner = tf.mul(tf.mul(tf.sub(1, tf.square(t)), tf.add(1, tf.mul(3 * GELU_A, tf.square(xi)))), tf.mul(xi, 0.5 * GELU_C));
        return [tf.mul(dy, tf.add(tf.mul(tf.add(t, 1), 0.5), inner))];
      },
    };
  })(x);
}
