import { codeRange } from '../../dtype.ts';
import { IntModelError } from '../../errors.ts';
import { roundHalfEven } from '../../numerics.ts';
import { constantCodes } from '../../packing.ts';
import { allocate, channelScale, channelZeroPoint, quantOf, type ReferenceKernel } from '../tensor.ts';

const f32 = Math.fround;

/** positionalAdd (ops/positional-add.ts): x + the table's row t at position t, in float32, on y's grid. */
export const positionalAddReference: ReferenceKernel = ({ node, inputs: [x, table], outputs: [out] }) => {
  const [, t, d] = x.shape;
  const n = table.shape[0];
  if (t > n) throw new IntModelError(`nodes.${node.name}`, `positionalAdd: x has ${t} positions, more than the ${n} rows of table '${table.name}'`);
  const [xq, pq, yq] = [quantOf(x), quantOf(table), quantOf(out)];
  const codes = constantCodes(table.dtype, table.data, n * d);
  const { qmin, qmax } = codeRange(yq.bits, out.dtype !== 'uint8');
  const y = allocate(out);
  for (let i = 0; i < y.length; i++) {
    const pos = Math.floor(i / d) % t;
    const col = i % d;
    const xv = f32((x.data[i] - xq.zeroPoint[0]) * xq.scale[0]);
    const pv = f32((codes[pos * d + col] - channelZeroPoint(pq, pos)) * channelScale(pq, pos));
    const q = roundHalfEven(f32(f32(xv + pv) / yq.scale[0])) + yq.zeroPoint[0];
    y[i] = Math.min(qmax, Math.max(qmin, q));
  }
  return [y];
};
