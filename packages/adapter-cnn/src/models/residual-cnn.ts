import { Sequential } from '@qatjs/core';
import { Conv2d } from '../layers/conv2d.ts';
import { Dense } from '@qatjs/layers';
import { GlobalAvgPool2d } from '../layers/pooling.ts';
import { ResidualBlock } from '../layers/residual-block.ts';

export interface ResidualCnnOptions {
  readonly inChannels?: number;
  readonly classes?: number;
  /** Channels of the two stages (default [16, 32]). */
  readonly widths?: readonly [number, number];
  readonly seed?: number;
}

function block(channels: number, seed: number, stride = 1, inChannels = channels): ResidualBlock {
  const main = new Sequential([
    new Conv2d({ inChannels, filters: channels, kernelSize: 3, strides: stride, batchNorm: true, activation: 'relu', seed }),
    new Conv2d({ inChannels: channels, filters: channels, kernelSize: 3, batchNorm: true, seed: seed + 1 }),
  ]);
  const shortcut = stride !== 1 || inChannels !== channels ? new Conv2d({ inChannels, filters: channels, kernelSize: 1, strides: stride, batchNorm: true, seed: seed + 2 }) : undefined;
  return new ResidualBlock({ main, ...(shortcut ? { shortcut } : {}), activation: 'relu' });
}

/**
 * A small residual CNN: stem conv 3x3, a residual block, a strided residual block with a 1x1
 * shortcut, global average pooling and a dense classifier. Every conv folds a batch norm.
 * Layer paths (for recipes): `0` (Conv2d), `1` (ResidualBlock), `1.main.0` (Conv2d), `1.main.1` (Conv2d),
 * `1.add` (Add), `2` (ResidualBlock), `2.main.0` (Conv2d), `2.main.1` (Conv2d), `2.shortcut` (Conv2d),
 * `2.add` (Add), `3` (GlobalAvgPool2d), `4` (Dense).
 */
export function residualCnn(o: ResidualCnnOptions = {}): Sequential {
  const [a, b] = o.widths ?? [16, 32];
  const seed = o.seed ?? 1;
  return new Sequential([
    new Conv2d({ inChannels: o.inChannels ?? 1, filters: a, kernelSize: 3, strides: 2, batchNorm: true, activation: 'relu', seed }),
    block(a, seed + 10),
    block(b, seed + 20, 2, a),
    new GlobalAvgPool2d(),
    new Dense({ inFeatures: b, units: o.classes ?? 10, seed: seed + 30 }),
  ]);
}
