import { IntModelError, validateModel, type IntModel, type Node, type ValueDecl } from '@qatjs/ir';
import { OnnxExportError } from './errors.ts';

// exportOnnx's inputShapes: run-time sizes (the batch -1, and -2, -3, ... which the IR uses for
// other sizes chosen at run time, the same number the same size) fixed by giving a graph input's
// shape. Every value and reshape attr holding the symbol gets the size; the result is validated again,
// so an op that cannot take the size is refused by the IR's own checks.

/** The IR model with the run-time sizes that `inputShapes` fixes made static. */
export function fixSizes(ir: IntModel, inputShapes: Readonly<Record<string, ReadonlyArray<number | null>>>): IntModel {
  const names = Object.keys(inputShapes);
  if (names.length === 0) return ir;
  const decls = new Map(ir.values.map((v) => [v.name, v]));
  const sizes = new Map<number, number>();
  for (const name of names) {
    const decl = ir.inputs.includes(name) ? decls.get(name) : undefined;
    if (!decl) throw new OnnxExportError(`exportOnnx: inputShapes names '${name}', which is not a graph input (inputs: ${ir.inputs.join(', ')})`);
    const given = inputShapes[name];
    if (given.length !== decl.shape.length) throw new OnnxExportError(`exportOnnx: inputShapes.${name} has ${given.length} dims; input '${name}' has rank ${decl.shape.length} [${decl.shape.join(', ')}]`);
    given.forEach((g, i) => {
      const d = decl.shape[i];
      if (g === null) return;
      if (d >= 0 && g !== d) throw new OnnxExportError(`exportOnnx: inputShapes.${name}[${i}] is ${g}, but that dim of input '${name}' is static, ${d}`);
      const prev = sizes.get(d);
      if (d < 0 && prev !== undefined && prev !== g) throw new OnnxExportError(`exportOnnx: inputShapes gives run-time size ${d} both ${prev} and ${g}`);
      if (d < 0) sizes.set(d, g);
    });
  }
  if (sizes.size === 0) return ir;
  const fix = (shape: readonly number[]) => shape.map((d) => sizes.get(d) ?? d);
  const values: ValueDecl[] = ir.values.map((v) => ({ ...v, shape: fix(v.shape) }));
  const nodes: Node[] = ir.nodes.map((n) => (n.op === 'reshape' && Array.isArray(n.attrs.shape) ? { ...n, attrs: { ...n.attrs, shape: fix(n.attrs.shape as number[]) } } : n));
  const fixed: IntModel = { ...ir, values, nodes };
  try {
    validateModel(fixed);
  } catch (e) {
    if (e instanceof IntModelError) throw new OnnxExportError(`exportOnnx: the model with inputShapes applied is not valid: ${e.message}`);
    throw e;
  }
  return fixed;
}
