// The quantizer guide's second plugin (docs/guides/writing-a-quantizer.md, section 9): a per-channel
// weight quantizer whose scales are powers of two (a shift instead of a multiply on some hardware),
// fixed from the weight's initial value. Public exports of @qatjs/core only.
import * as tf from '@tensorflow/tfjs-core';
import {
  commonOptions,
  fakeQuantize,
  qrange,
  readOptions,
  registerQuantizer,
  specForPoint,
  type QParams,
  type QuantPoint,
  type Quantizer,
  type QuantizerPlugin,
  type QuantizerState,
} from '@qatjs/core';

type Pow2Options = ReturnType<typeof validate>;
const validate = (raw: Readonly<Record<string, unknown>>) => readOptions("quantizer 'pow2'", raw, { ...commonOptions });

class Pow2Quantizer implements Quantizer {
  readonly quantizer = 'pow2';
  readonly affine = true; // apply() maps onto (q - 0) * scale with q in [qmin, qmax]: convert() may lower it
  readonly variables: tf.Variable[] = [];
  readonly spec;
  frozen = false;
  #scale: Float32Array;

  constructor(options: Pow2Options, readonly point: QuantPoint) {
    if (point.role !== 'weight' || !point.initialValue) throw new Error(`quantizer 'pow2' at '${point.label}': weights only`);
    this.spec = specForPoint("quantizer 'pow2'", options, point, true); // symmetric; axis = the channel axis when perChannel
    const { qmax } = qrange(this.spec);
    // initialValue() may make a tensor (a BN-folded weight): read it inside tidy
    const maxAbs = tf.tidy(() => {
      const w = tf.abs(point.initialValue!());
      const axis = this.spec.axis;
      if (axis === undefined) return tf.reshape(tf.max(w), [1]);
      const others = w.shape.map((_, i) => i).filter((i) => i !== axis);
      return tf.max(w, others);
    }).dataSync() as Float32Array;
    this.#scale = Float32Array.from(maxAbs, (m) => 2 ** Math.ceil(Math.log2(Math.max(m, 2 ** -20) / qmax)));
  }

  apply(x: tf.Tensor): tf.Tensor {
    const { qmin, qmax } = qrange(this.spec);
    const axis = this.spec.axis;
    return fakeQuantize(x, tf.tensor1d(this.#scale), tf.zeros([this.#scale.length]), { qmin, qmax, ...(axis === undefined ? {} : { axis }) });
  }

  qparams(): QParams {
    const { qmin, qmax } = qrange(this.spec);
    const axis = this.spec.axis;
    return { scale: Float32Array.from(this.#scale), zeroPoint: new Int32Array(this.#scale.length), qmin, qmax, ...(axis === undefined ? {} : { axis }) };
  }

  freeze(): void {
    this.frozen = true;
  }
  state(): QuantizerState {
    return { quantizer: this.quantizer, frozen: this.frozen, data: { scale: Array.from(this.#scale) } };
  }
  load(state: QuantizerState): void {
    this.#scale = Float32Array.from(state.data.scale as number[]);
    this.frozen = state.frozen;
  }
  dispose(): void {}
}

export const pow2Quantizer: QuantizerPlugin<Pow2Options> = {
  name: 'pow2',
  description: 'symmetric weights on power-of-two scales, fixed from the initial weight',
  validate,
  create: (options, point) => new Pow2Quantizer(options, point),
};

registerQuantizer(pow2Quantizer);
