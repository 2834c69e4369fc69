// transpose: elements moved, never changed (int8 codes or float32), for attention's heads.
import type { Node } from '@qatjs/ir';
import { BackendWasmError } from '../../errors.ts';
import type { WasmTensor } from '../../tensor.ts';
import type { RuntimeOpContext, RuntimeStep } from '../registry.ts';
import { simple } from './common.ts';

export function transposeStep(_ctx: RuntimeOpContext, node: Node): RuntimeStep {
  const perm = node.attrs.perm as readonly number[];
  return simple((inputs, outputs) => {
    const x = inputs[0] as WasmTensor<'int8' | 'float32'>;
    const y = outputs[0] as WasmTensor<'int8' | 'float32'>;
    if (x.dtype !== y.dtype || x.size !== y.size) throw new BackendWasmError(`transpose '${node.name}': x and y must have one dtype and size`);
    const rank = x.shape.length;
    const strides = new Array<number>(rank).fill(1);
    for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * x.shape[i + 1];
    const outShape = perm.map((p) => x.shape[p]);
    const srcStride = perm.map((p) => strides[p]);
    return () => {
      const [xv, yv] = [x.view(), y.view()];
      const idx = new Array<number>(rank).fill(0);
      const last = rank - 1;
      let o = 0;
      while (o < yv.length) {
        let src = 0;
        for (let k = 0; k < last; k++) src += idx[k] * srcStride[k];
        for (let i = 0; i < outShape[last]; i++) yv[o++] = xv[src + i * srcStride[last]];
        for (let k = last - 1; k >= 0; k--) {
          if (++idx[k] < outShape[k]) break;
          idx[k] = 0;
        }
      }
    };
  });
}
