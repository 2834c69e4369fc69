// Sliding-window geometry with tfjs's padding rules, shared by conv2d, depthwise and pooling.
import { windowPads } from '@qatjs/ir';
import { checkInt, fail } from '../validate.ts';
import { valueText } from '../errors.ts';

/** 'same' / 'valid' as tfjs, or explicit [[top, bottom], [left, right]]. */
export type WindowPadding = 'same' | 'valid' | readonly [readonly [number, number], readonly [number, number]];

export interface WindowSpec {
  readonly window: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  readonly padding: WindowPadding;
}

export interface WindowGeometry {
  readonly outH: number;
  readonly outW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
}

/** A number or a pair of positive integers, as a pair. */
export function pair(op: string, name: string, v: number | readonly [number, number] | undefined, dflt: number): [number, number] {
  const p: [unknown, unknown] = v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : fail(op, `${name} must be a number or [number, number], got ${valueText(v)}`);
  return [checkInt(op, `${name}[0]`, p[0], 1, 1 << 16), checkInt(op, `${name}[1]`, p[1], 1, 1 << 16)];
}

function axis(op: string, size: number, k: number, s: number, d: number, padding: WindowPadding, which: 0 | 1): [number, number, number] {
  const span = (k - 1) * d + 1;
  if (padding === 'valid') {
    const out = Math.ceil((size - span + 1) / s);
    return [Math.max(out, 0), 0, 0];
  }
  if (padding === 'same') {
    if (size < 1) return [0, 0, 0];
    const [before, after] = windowPads('same', size, k, s, d);
    return [Math.ceil(size / s), before, after];
  }
  if (!Array.isArray(padding) || padding.length !== 2 || !Array.isArray(padding[which]) || padding[which].length !== 2) {
    fail(op, `padding must be 'same', 'valid' or [[top, bottom], [left, right]], got ${JSON.stringify(padding)}`);
  }
  const [before, after] = padding[which];
  checkInt(op, 'padding', before, 0, 1 << 16);
  checkInt(op, 'padding', after, 0, 1 << 16);
  return [Math.max(Math.floor((size + before + after - span) / s) + 1, 0), before, after];
}

/** Output size and padding of a window over an h x w input; throws if the output would be empty. */
export function windowGeometry(op: string, h: number, w: number, spec: WindowSpec): WindowGeometry {
  const [outH, padTop, padBottom] = axis(op, h, spec.window[0], spec.strides[0], spec.dilations[0], spec.padding, 0);
  const [outW, padLeft, padRight] = axis(op, w, spec.window[1], spec.strides[1], spec.dilations[1], spec.padding, 1);
  if (outH <= 0 || outW <= 0) {
    fail(op, `a ${spec.window.join('x')} window (dilation ${spec.dilations.join('x')}) does not fit a ${h}x${w} input with padding ${JSON.stringify(spec.padding)}`);
  }
  return { outH, outW, padTop, padLeft, padBottom, padRight };
}

/** Pooling must see at least one input value in every window: padding smaller than the window. */
export function checkPoolPadding(op: string, g: WindowGeometry, window: readonly [number, number]): void {
  if (g.padTop >= window[0] || g.padBottom >= window[0] || g.padLeft >= window[1] || g.padRight >= window[1]) {
    fail(op, `padding [[${g.padTop}, ${g.padBottom}], [${g.padLeft}, ${g.padRight}]] must be smaller than the ${window.join('x')} window`);
  }
}
