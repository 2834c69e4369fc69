// The quantization points of one recurrent layer (contracts: docs/guides/rnn-adapter.md). Presets
// quantize them without naming them: the recurrent weight follows the weight's settings, the hidden
// state the output's, and the gates and cell take the weight's symmetric quantizer at 16 bits
// (TFLite's integer LSTM), per tensor, the cell's scale rounded up to a power of two (TFLite's too).
// Quantizers the integer ops cannot use are refused at prepare().
import type { QuantPointDecl } from '@qatjs/core';

type Grid = Parameters<NonNullable<QuantPointDecl['check']>>[0];

const SIXTEEN_BITS = { bits: 16, perChannel: false, narrowRange: false };
// The cell's scale a power of two (docs/numerics.md): the integer op's c·s_c and c'/s_c are then exact
// in float32 (a shift of the exponent, as TFLite's fixed-point cell update is a shift). A rule turns it
// off (`cell: { powerOfTwoScale: false }`) or moves the cell to 8 bits (`cell: { bits: 8 }`, still a power of two).
const CELL = { ...SIXTEEN_BITS, powerOfTwoScale: true };
// Observed once per time step: running min/max (a moving average started from step 0's small range
// shrank the hidden grid to a third within 10 QAT steps on sequential MNIST, accuracy 50% -> 29%).
const PER_STEP_OBSERVER = 'minMax';

/** A zero point fixed at 0 on an unsigned grid (PACT, an unsigned uniform grid) clips every negative value. */
function clipsNegatives(q: Grid, what: string): string | undefined {
  if (!q.spec.signed && q.spec.symmetric) {
    return `its unsigned grid with zero point 0 clips every negative value to 0 (a ReLU-like clip, as PACT's), and ${what} is signed`;
  }
  return undefined;
}

function symmetricWeight(q: Grid): string | undefined {
  if (!q.spec.symmetric) return 'the integer lstm and gru ops take symmetric weights (zero point 0); use a symmetric quantizer (uniform, lsq)';
  return clipsNegatives(q, 'a weight');
}

function signedSymmetric(what: string, perTensor: boolean) {
  return (q: Grid): string | undefined => {
    if (!q.spec.signed) return `${what} is signed and needs a signed grid, got an unsigned one`;
    if (!q.spec.symmetric) return `${what} is stored as int16 codes with zero point 0: use a symmetric quantizer (uniform, lsq)`;
    if (perTensor && q.spec.axis !== undefined) return `${what} has one scale (per tensor), not one per channel`;
    return undefined;
  };
}

/** x [batch, steps, features]: channels on axis 2. */
export function inputPoint(): QuantPointDecl {
  return { name: 'input', role: 'activation', channelAxis: 2, check: (q) => clipsNegatives(q, 'the input of a recurrent layer (an embedding, a previous layer’s hidden state)') };
}

/** W [I, D·G·H] and U [H, D·G·H], per-channel along the gate units (axis 1). */
export function weightPoints(inputSize: number, hidden: number, columns: number): QuantPointDecl[] {
  return [
    { name: 'weight', role: 'weight', shape: [inputSize, columns], channelAxis: 1, check: symmetricWeight },
    { name: 'recurrentWeight', role: 'weight', shape: [hidden, columns], channelAxis: 1, inherits: { from: 'weight' }, check: symmetricWeight },
  ];
}

/** h = o·tanh(c) (LSTM) or the GRU's mix, in (-1, 1): the recurrent state and the layer's output. */
export function hiddenPoint(): QuantPointDecl {
  return { name: 'hidden', role: 'activation', observer: PER_STEP_OBSERVER, inherits: { from: 'output' }, check: (q) => (q.spec.axis !== undefined ? 'the hidden state has one scale (per tensor)' : clipsNegatives(q, 'the hidden state (in (-1, 1))')) };
}

/** 16-bit pre-activation points ([rows, G·H], per-tensor or per gate unit along axis 1). */
export function gatePoint(name: string, what: string): QuantPointDecl {
  return { name, role: 'activation', channelAxis: 1, observer: PER_STEP_OBSERVER, inherits: { from: 'weight', set: SIXTEEN_BITS }, check: signedSymmetric(what, false) };
}

/** The LSTM cell state: 16-bit, signed, symmetric, per tensor, on a power-of-two scale. */
export function cellPoint(): QuantPointDecl {
  return { name: 'cell', role: 'activation', observer: PER_STEP_OBSERVER, inherits: { from: 'weight', set: CELL }, check: signedSymmetric('the cell state', true) };
}
