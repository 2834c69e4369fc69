// How closely an integer model's output codes follow the fake-quant model's float logits: the
// measure behind the int-runtime equivalence tests, the accuracy benchmark's int-runtime columns and
// the agreement docs/results reports ("argmax agreement, within 1 quantum").
import { QatjsError } from '../util/errors.ts';

export interface LogitComparison {
  /** The largest |fake / scale + zeroPoint - code| over all logits, in output quanta. */
  readonly worstQuanta: number;
  /** Rows whose argmax agrees (a tie among the float logits counts as agreement). */
  readonly sameArgmax: number;
  /** The argmax of each row of codes (the first on ties). */
  readonly codeArgmax: Int32Array;
}

function argmax(v: ArrayLike<number>, at: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (v[at + c] > v[at + best]) best = c;
  return best;
}

export interface CompareLogitsOptions {
  /**
   * The second array holds the integer model's float output, its codes dequantized ((code - zeroPoint)
   * · scale: convert's default floatOutput), rather than the codes; the difference is then |fake -
   * output| / scale. Default false.
   */
  readonly dequantized?: boolean;
}

/**
 * Compares rows of `classes` float logits (the fake-quant model's) with the integer model's output codes
 * of scale `scale` and zero point `zeroPoint` (its output's quant, from convert(..., { floatOutput:
 * false }) or session.outputs[i].quant): the worst difference in output quanta, and argmax agreement.
 * With `{ dequantized: true }`, `codes` is the dequantized float output on that grid.
 */
export function compareLogits(fake: ArrayLike<number>, codes: ArrayLike<number>, classes: number, scale: number, zeroPoint: number, options: CompareLogitsOptions = {}): LogitComparison {
  if (!Number.isInteger(classes) || classes < 1) throw new QatjsError(`compareLogits: classes must be an integer >= 1, got ${classes}`);
  if (!(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) throw new QatjsError(`compareLogits: scale must be a positive number, got ${scale}`);
  if (!Number.isInteger(zeroPoint)) throw new QatjsError(`compareLogits: zeroPoint must be an integer, got ${zeroPoint}`);
  if (fake?.length === undefined || codes?.length === undefined || fake.length !== codes.length || fake.length % classes !== 0) {
    throw new QatjsError(`compareLogits: ${fake?.length} float logits and ${codes?.length} codes do not make rows of ${classes}`);
  }
  const dequantized = options?.dequantized === true;
  const rows = fake.length / classes;
  const codeArgmax = new Int32Array(rows);
  let worstQuanta = 0;
  let sameArgmax = 0;
  for (let i = 0; i < rows; i++) {
    const at = i * classes;
    for (let c = 0; c < classes; c++) {
      const off = dequantized ? Math.abs(fake[at + c] - codes[at + c]) / scale : Math.abs(fake[at + c] / scale + zeroPoint - codes[at + c]);
      worstQuanta = Math.max(worstQuanta, off);
    }
    const a = argmax(fake, at, classes);
    const b = argmax(codes, at, classes);
    codeArgmax[i] = b;
    if (a === b || fake[at + a] === fake[at + b]) sameArgmax++;
  }
  return { worstQuanta, sameArgmax, codeArgmax };
}
