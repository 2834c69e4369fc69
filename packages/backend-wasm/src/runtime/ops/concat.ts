// concat: int8/uint8 values of one grid joined along an axis; stored codes are copied as they are.
import { nodeAttrs, type Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';

export function concatStep(ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const { axis } = nodeAttrs(node, 'concat');
  const memory = ctx.kernels.memory;
  return {
    bind(inputs, outputs) {
      const y = outputs[0];
      const outer = y.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      const inner = y.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
      const blocks = inputs.map((x) => x.shape[axis] * inner);
      if (inputs.some((x) => x.dtype !== 'int8') || blocks.reduce((p, b) => p + b, 0) * outer !== y.size) {
        throw new BackendWasmError(`concat '${node.name}': inputs [${inputs.map((x) => `[${x.shape}]`).join(', ')}] do not fill y [${y.shape}]`);
      }
      return () => {
        const mem = new Uint8Array(memory.buffer);
        let o = y.byteOffset;
        for (let i = 0; i < outer; i++) {
          inputs.forEach((x, j) => {
            const src = x.byteOffset + i * blocks[j];
            mem.copyWithin(o, src, src + blocks[j]);
            o += blocks[j];
          });
        }
      };
    },
  };
}
