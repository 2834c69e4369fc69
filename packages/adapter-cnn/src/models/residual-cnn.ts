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
  const main = new Sequential({
    conv1: new Conv2d({ inChannels, filters: channels, kernelSize: 3, strides: stride, batchNorm: true, activation: 'relu', seed }),
    conv2: new Conv2d({ inChannels: channels, filters: channels, kernelSize: 3, batchNorm: true, seed: seed + 1 }),
  });
  const shortcut = stride !== 1 || inChannels !== channels ? new Conv2d({ inChannels, filters: channels, kernelSize: 1, strides: stride, batchNorm: true, seed: seed + 2 }) : undefined;
  return new ResidualBlock({ main, ...(shortcut ? { shortcut } : {}), activation: 'relu' });
}

/**
 * A small residual CNN: stem conv 3x3, a residual block, a strided residual block with a 1x1
 * shortcut, global average pooling and a dense classifier. Every conv folds a batch norm.
 * Layer paths (for recipes): `stem` (Conv2d), `block1` (ResidualBlock), `block1.main.conv1` (Conv2d),
 * `block1.main.conv2` (Conv2d), `block1.add` (Add), `block2` (ResidualBlock), `block2.main.conv1` (Conv2d),
 * `block2.main.conv2` (Conv2d), `block2.shortcut` (Conv2d), `block2.add` (Add), `pool` (GlobalAvgPool2d), `fc` (Dense).
 */
export function residualCnn(o: ResidualCnnOptions = {}): Sequential {
  const [a, b] = o.widths ?? [16, 32];
  const seed = o.seed ?? 1;
  return new Sequential({
    stem: new Conv2d({ inChannels: o.inChannels ?? 1, filters: a, kernelSize: 3, strides: 2, batchNorm: true, activation: 'relu', seed }),
    block1: block(a, seed + 10),
    block2: block(b, seed + 20, 2, a),
    pool: new GlobalAvgPool2d(),
    fc: new Dense({ inFeatures: b, units: o.classes ?? 10, seed: seed + 30 }),
  });
}
