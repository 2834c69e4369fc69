import { convert, describeValue, type Module, type ModuleOutput } from '@qatjs/core';
import { IntModelError, validateModel, type IntModel, type ValueDecl } from '@qatjs/ir';
import { ExportContext } from './context.ts';
import { OnnxExportError } from './errors.ts';
import { fixSizes } from './fixed-sizes.ts';
import { exportSettings, type ExportSettings, type OnnxExportOptions } from './options.ts';
import { encodeModelProto } from './proto/onnx-proto.ts';
import type { DimensionProto, ValueInfoProto } from './proto/types.ts';
import { getOnnxOp } from './registry.ts';

/** The package version written as producer_version. */
export const PRODUCER = { name: '@qatjs/onnx', version: '0.0.0' } as const;

function isModule(m: unknown): m is Module<ModuleOutput> {
  return m !== null && typeof m === 'object' && typeof (m as Module<ModuleOutput>).namedModules === 'function';
}

/** -1 (the batch) is `batch`; -2, -3, ... are `d2`, `d3`, ...: named run-time sizes, the same name the same size. */
function dims(shape: readonly number[]): DimensionProto[] {
  return shape.map((d) => (d >= 0 ? { dim_value: d } : { dim_param: d === -1 ? 'batch' : `d${-d}` }));
}

function valueInfo(ctx: ExportContext, decl: ValueDecl, doc: string): ValueInfoProto {
  return { name: decl.name, type: { tensor_type: { elem_type: ctx.storage(decl), shape: { dim: dims(decl.shape) } } }, doc_string: doc };
}

function describe(decl: ValueDecl): string {
  const layout = decl.shape.length === 4 ? ' (NHWC, as in qatjs)' : '';
  const q = decl.quant ? `; codes: real = (code - ${decl.quant.zeroPoint[0]}) * ${decl.quant.scale[0]}` : '';
  return `${decl.dtype} [${decl.shape.map((d) => (d === -1 ? 'batch' : d < 0 ? `d${-d}` : d)).join(', ')}]${layout}${q}`;
}

function toIntModel(model: unknown, options: OnnxExportOptions | undefined): IntModel {
  if (isModule(model)) {
    if (options?.convert === undefined) throw new OnnxExportError('exportOnnx: a Module needs options.convert (the options of convert(), e.g. { inputShape: [28, 28, 1] })');
    return convert(model, options.convert);
  }
  if (model === null || typeof model !== 'object' || !Array.isArray((model as IntModel).nodes)) {
    throw new OnnxExportError(`exportOnnx: model must be an IntModel (from convert()) or a prepared Module, got ${describeValue(model)}`);
  }
  if (options?.convert !== undefined) throw new OnnxExportError('exportOnnx: options.convert is for a Module; this model is already an IntModel');
  try {
    validateModel(model as IntModel);
  } catch (e) {
    if (e instanceof IntModelError) throw new OnnxExportError(`exportOnnx: the IntModel is not valid: ${e.message}`);
    throw e;
  }
  return model as IntModel;
}

function graph(ir: IntModel, settings: ExportSettings) {
  const ctx = new ExportContext(ir, settings);
  const decls = new Map(ir.values.map((v) => [v.name, v]));
  for (const name of ir.inputs) ctx.defineInput(decls.get(name) as ValueDecl);
  for (const node of ir.nodes) {
    ctx.within(node, () => {
      const exporter = getOnnxOp(node.op);
      if (exporter === undefined) ctx.fail(`no ONNX exporter for IR op '${node.op}' (the package that adds the op registers one with registerOnnxOp)`);
      else exporter(node, ctx);
    });
  }
  return {
    name: settings.graphName,
    node: ctx.nodes,
    initializer: ctx.initializers,
    input: ir.inputs.map((n) => valueInfo(ctx, decls.get(n) as ValueDecl, describe(decls.get(n) as ValueDecl))),
    output: ir.outputs.map((n) => valueInfo(ctx, decls.get(n) as ValueDecl, describe(decls.get(n) as ValueDecl))),
  };
}

/**
 * Exports a qatjs model as ONNX in the QDQ form and returns the model's bytes (a ModelProto).
 *
 * `model` is the IntModel core's convert() produced, or a prepared (trained or calibrated) Module,
 * which is converted first with `options.convert`. Each IR op becomes its QDQ subgraph through the
 * exporter registered for it (registerOnnxOp): DequantizeLinear of the int8 inputs, integer weight
 * initializers with DequantizeLinear (per-axis where per-channel), int32 biases with DequantizeLinear
 * (scale s_x * s_w[c], as the int runtime adds them), the float op, and QuantizeLinear to the output's
 * grid with its fused clamp. Batch norm is already folded in the IR. Graph inputs and outputs keep the
 * IR's names, dtypes and NHWC shapes, the batch a run-time dim named `batch`. An op without an
 * exporter, or a setting without an exact mapping, is refused with an OnnxExportError naming the node,
 * its layer and the reason. `options.inputShapes` fixes run-time sizes (the unrolled lstm and gru
 * need a static sequence length).
 */
export function exportOnnx(model: IntModel | Module<ModuleOutput>, options?: OnnxExportOptions): Uint8Array {
  const settings = exportSettings(options);
  const ir = fixSizes(toIntModel(model, options), settings.inputShapes);
  const metadata = Object.entries(ir.metadata ?? {}).map(([key, value]) => ({ key, value }));
  metadata.push({ key: 'qatjs.lowBits', value: settings.lowBits });
  return encodeModelProto({
    ir_version: settings.irVersion,
    opset_import: [{ domain: '', version: settings.opset }],
    producer_name: PRODUCER.name,
    producer_version: PRODUCER.version,
    ...(settings.docString === undefined ? {} : { doc_string: settings.docString }),
    graph: graph(ir, settings),
    metadata_props: metadata,
  });
}
