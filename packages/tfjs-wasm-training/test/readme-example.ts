import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmTrainingKernels, wasmTrainingKernelsInstalled } from '@qatjs/tfjs-wasm-training';

console.log(wasmTrainingKernelsInstalled()); // false: importing a package installs nothing
console.log(installWasmTrainingKernels());
// { added: [ 'Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter', 'UnsortedSegmentSum' ],
//   replaced: [ 'MaxPoolGrad', 'Conv2DBackpropInput', 'BatchMatMul', 'Tile', 'Slice', 'SplitV', 'Unpack' ] }
await tf.setBackend('wasm');
// one 2x2 max-pool window of negative values: its gradient goes to the maximum, -1
const input = tf.tensor4d([-3, -1, -2, -4], [1, 2, 2, 1]);
const dy = tf.tensor4d([1], [1, 1, 1, 1]);
const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input, output: dy }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
console.log(Array.from(dx.dataSync())); // [ 0, 1, 0, 0 ] (tfjs-backend-wasm's own kernel: [ 1, 0, 0, 0 ])
