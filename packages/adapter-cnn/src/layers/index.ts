export { Conv2d, type Conv2dOptions } from './conv2d.ts';
export { DepthwiseConv2d, type DepthwiseConv2dOptions } from './depthwise-conv2d.ts';
export { MaxPool2d, AvgPool2d, GlobalAvgPool2d, Flatten, type PoolOptions } from './pooling.ts';
export { ResidualBlock } from './residual-block.ts';
export { tfPadding, type Padding } from './options.ts';
