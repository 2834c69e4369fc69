// tfjs 4.22's gradients of Conv2D and DepthwiseConv2dNative refuse dilation > 1 on every backend
// ("dilation rates greater than 1 are not yet supported in gradients"), and tfjs-backend-cpu's
// depthwise backprop kernels ignore their dilations attr. A conv with dilation d equals a conv with
// dilation 1 whose filter has d-1 zeros between taps (same padding: tfjs pads by the dilated
// extent), so its gradients are the undilated kernels' on that filter, the filter gradient read at
// every d-th tap. That works on every backend. The wrappers call tfjs's own gradient, unchanged,
// whenever the dilation is 1.
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { WasmTrainingError } from './errors.ts';

const WRAPPED = Symbol.for('qatjs.tfjs-wasm-training.dilated-conv-gradient');

function dilationPair(d: unknown): [number, number] {
  if (d === undefined || d === null) return [1, 1];
  if (Array.isArray(d)) return [Number(d[0]), Number(d[1] ?? d[0])];
  return [Number(d), Number(d)];
}

/** w [kh, kw, a, b] -> [(kh-1)*dh + 1, (kw-1)*dw + 1, a, b] with w's taps every dh rows and dw columns. */
export function dilateFilter(w: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  if (!(w instanceof tf.Tensor) || w.rank !== 4) throw new WasmTrainingError(`dilateFilter: w must be a rank-4 tf.Tensor [kh, kw, a, b], got ${w instanceof tf.Tensor ? `shape [${w.shape}]` : typeof w}`);
  for (const [name, d] of [['dh', dh], ['dw', dw]] as const) {
    if (!Number.isInteger(d) || d < 1) throw new WasmTrainingError(`dilateFilter: ${name} must be an integer >= 1, got ${String(d)}`);
  }
  return tf.tidy(() => {
    const [kh, kw, a, b] = w.shape;
    const ab = a * b;
    // Rows: [kh, 1, kw*ab] padded to [kh, dh, kw*ab], flattened, the trailing zero rows dropped.
    let t: tf.Tensor = tf.pad(tf.reshape(w, [kh, 1, kw * ab]), [[0, 0], [0, dh - 1], [0, 0]]);
    const rows = (kh - 1) * dh + 1;
    t = tf.slice(tf.reshape(t, [kh * dh, kw * ab]), [0, 0], [rows, kw * ab]);
    // Columns, the same way.
    t = tf.pad(tf.reshape(t, [rows, kw, 1, ab]), [[0, 0], [0, 0], [0, dw - 1], [0, 0]]);
    const cols = (kw - 1) * dw + 1;
    t = tf.slice(tf.reshape(t, [rows, kw * dw, ab]), [0, 0, 0], [rows, cols, ab]);
    return tf.reshape(t, [rows, cols, a, b]);
  });
}

/** The taps of a dilated filter's gradient that belong to real filter taps. */
function everyDthTap(g: Tensor, dh: number, dw: number): Tensor {
  return tf.stridedSlice(g, [0, 0, 0, 0], g.shape, [dh, dw, 1, 1]);
}

function runKernel(name: string, inputs: NamedTensorMap, attrs: NamedAttrMap): Tensor {
  return tf.engine().runKernel(name, inputs, attrs) as Tensor;
}

type GradFunc = GradConfig['gradFunc'];

function conv2dDilatedGrad(dy: Tensor, saved: Tensor[], attrs: NamedAttrMap, [dh, dw]: [number, number]) {
  const [x, filter] = saved;
  const { strides, pad, dataFormat, dimRoundingMode } = attrs;
  const wd = dilateFilter(filter as tf.Tensor4D, dh, dw);
  return {
    x: () => runKernel('Conv2DBackpropInput', { dy, filter: wd }, { strides, pad, dataFormat, dimRoundingMode, inputShape: x.shape }),
    filter: () => everyDthTap(runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat, dimRoundingMode, filterShape: wd.shape }), dh, dw),
  };
}

function depthwiseDilatedGrad(dy: Tensor, saved: Tensor[], attrs: NamedAttrMap, [dh, dw]: [number, number]) {
  const [x, filter] = saved;
  const { strides, pad, dimRoundingMode } = attrs;
  const wd = dilateFilter(filter as tf.Tensor4D, dh, dw);
  const common = { strides, pad, dimRoundingMode, dilations: [1, 1] };
  return {
    x: () => runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: wd }, { ...common, inputShape: x.shape }),
    filter: () => everyDthTap(runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: wd.shape }), dh, dw),
  };
}

type DilatedGrad = typeof conv2dDilatedGrad;

function wrap(kernelName: string, dilated: DilatedGrad): boolean {
  const stock = tf.getGradient(kernelName);
  if (!stock) throw new WasmTrainingError(`installDilatedConvGradients: no gradient is registered for ${kernelName} (import @qatjs/core, which registers them, first)`);
  if ((stock as unknown as Record<symbol, unknown>)[WRAPPED]) return false;
  const gradFunc: GradFunc = (dy, saved, attrs) => {
    const d = dilationPair(attrs.dilations);
    if (d[0] === 1 && d[1] === 1) return stock.gradFunc(dy, saved, attrs);
    return dilated(dy as Tensor, saved, attrs, d);
  };
  tf.registerGradient({ ...stock, gradFunc, [WRAPPED]: true } as GradConfig);
  return true;
}

/**
 * Lets Conv2D and DepthwiseConv2dNative gradients handle dilation > 1, on every backend. Needs tfjs's
 * gradients registered first (importing @qatjs/core does it; its initBackend calls this). Idempotent;
 * returns the kernels it wrapped now.
 */
export function installDilatedConvGradients(): string[] {
  const wrapped: string[] = [];
  if (wrap('Conv2D', conv2dDilatedGrad)) wrapped.push('Conv2D');
  if (wrap('DepthwiseConv2dNative', depthwiseDilatedGrad)) wrapped.push('DepthwiseConv2dNative');
  return wrapped;
}
