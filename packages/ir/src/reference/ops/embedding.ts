import { IntModelError } from '../../errors.ts';
import { dequantizeValue, quantizeValue } from '../../numerics.ts';
import { quantRange } from '../../quant.ts';
import { constantCodes } from '../../packing.ts';
import { elementCount } from '../../shape.ts';
import { allocate, channelScale, channelZeroPoint, quantOf, type ReferenceKernel } from '../tensor.ts';

/**
 * embedding (ops/embedding.ts): y[i, d] = quantizeValue(dequantizeValue(q[t, d], s_w[t], z_w[t]), s_y, z_y, qmin, qmax)
 * with t = tokens[i]; a token outside [0, V) throws, naming the id, its position and V.
 */
export const embeddingReference: ReferenceKernel = ({ node, inputs: [tokens, table], outputs: [out] }) => {
  const [vocab, dim] = table.shape;
  const wq = quantOf(table);
  const yq = quantOf(out);
  const { qmin, qmax } = quantRange(out.dtype, yq);
  const codes = constantCodes(table.dtype, table.data, elementCount(table.shape));
  const y = allocate(out);
  for (let i = 0; i < tokens.data.length; i++) {
    const t = tokens.data[i];
    if (!(t >= 0 && t < vocab)) {
      throw new IntModelError(`${node.name}.tokens[${i}]`, `embedding '${node.name}': token id ${t} at position ${i} is outside [0, ${vocab}) (V = ${vocab})`);
    }
    const s = channelScale(wq, t);
    const z = channelZeroPoint(wq, t);
    for (let d = 0; d < dim; d++) {
      y[i * dim + d] = quantizeValue(dequantizeValue(codes[t * dim + d], s, z), yq.scale[0], yq.zeroPoint[0], qmin, qmax);
    }
  }
  return [y];
};
