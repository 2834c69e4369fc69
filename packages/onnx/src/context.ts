import { codeRange, type Clamp, type Constant, type IntModel, type Node, type QuantParams, type ValueDecl } from '@qatjs/ir';
import { OnnxExportError } from './errors.ts';
import type { ExportSettings } from './options.ts';
import { attributes, type AttrInit } from './proto/attributes.ts';
import { codeTensor, floatTensor, int32Tensor } from './proto/tensors.ts';
import { DataType, type DataTypeCode, type NodeProto, type TensorProto } from './proto/types.ts';

/**
 * How an ONNX tensor holds an IR value: `'ir'` in the IR's own layout; `'nchw'` for a rank-4 IR
 * value (NHWC) stored channels-first, as ONNX's Conv and pools want it.
 */
export type Layout = 'ir' | 'nchw';

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

interface ExportedValue {
  readonly decl: ValueDecl;
  /** The ONNX tensor: quantized codes for int8/uint8 values, float32 otherwise. */
  readonly tensor: string;
  readonly layout: Layout;
}

/** A weight's integer codes laid out for ONNX, with per-tensor or per-axis params. */
export interface WeightCodes {
  readonly codes: ArrayLike<number>;
  readonly dims: readonly number[];
  readonly quant: QuantParams;
  /** The ONNX axis the per-channel params run along (ignored for per-tensor params). */
  readonly axis: number;
}

/**
 * What an op exporter works with: the IR model, the node being exported, and helpers that write its
 * QDQ subgraph: float views of inputs (DequantizeLinear, a Transpose when the layout differs), weights
 * as integer initializers + DequantizeLinear, int32 biases, and quantized outputs (QuantizeLinear and
 * the clamp). Every ONNX node and tensor is named after the IR node (whose name carries the layer path).
 */
export class ExportContext {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly #values = new Map<string, ExportedValue>();
  readonly #views = new Map<string, string>();
  readonly #constants: Map<string, Constant>;
  readonly #outputs: Set<string>;
  readonly #names = new Set<string>();
  #node: Node | undefined;

  constructor(readonly model: IntModel, readonly settings: ExportSettings) {
    this.#constants = new Map(model.constants.map((c) => [c.name, c]));
    this.#outputs = new Set(model.outputs);
  }

  /** The IR node being exported. */
  get node(): Node {
    if (!this.#node) throw new OnnxExportError('exportOnnx: internal: no node is being exported');
    return this.#node;
  }

  /** Runs `fn` with `node` as the node errors and names refer to. */
  within(node: Node, fn: () => void): void {
    this.#node = node;
    try {
      fn();
    } finally {
      this.#node = undefined;
    }
  }

  /** Refuses the node being exported: names it, its op and the layer it comes from, and the reason. */
  fail(reason: string): never {
    const n = this.#node;
    const where = n ? `node '${n.name}' (op ${n.op}, layer '${layerOf(n.name)}')` : 'the model';
    throw new OnnxExportError(`exportOnnx: ${where}: ${reason}`);
  }

  /** A fresh ONNX name starting with `base`. */
  name(base: string): string {
    let n = base;
    for (let i = 2; this.#names.has(n); i++) n = `${base}_${i}`;
    this.#names.add(n);
    return n;
  }

  /** Adds an ONNX node; its output is named `out` (or after the IR node and the op). */
  emit(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrInit>> = {}, out?: string): string {
    const base = this.#node ? `${this.#node.name}/${opType}` : opType;
    const output = out ?? this.name(base);
    this.nodes.push({ name: this.name(`${base}#node`), op_type: opType, input: inputs, output: [output], attribute: attributes(attrs) });
    return output;
  }

  initializer(t: TensorProto): string {
    this.initializers.push(t);
    return t.name;
  }

  /** The IR declaration of a value (a graph input or a node output). */
  decl(name: string): ValueDecl {
    const v = this.#values.get(name)?.decl ?? this.model.values.find((d) => d.name === name);
    if (!v) this.fail(`'${name}' is not a value of the model`);
    return v;
  }

  /** A constant of the model (weights, bias). */
  constant(name: string): Constant {
    const c = this.#constants.get(name);
    if (!c) this.fail(`input '${name}' is not a constant`);
    return c;
  }

  /** The ONNX element type an activation of this dtype and grid is stored in. */
  storage(decl: ValueDecl): DataTypeCode {
    if (decl.dtype === 'float32') return DataType.FLOAT;
    if (decl.dtype === 'uint8') return DataType.UINT8;
    if (decl.dtype === 'int32') return DataType.INT32;
    if (decl.dtype === 'int16') return DataType.INT16;
    return this.settings.lowBits === 'int4' && (decl.quant as QuantParams).bits <= 4 ? DataType.INT4 : DataType.INT8;
  }

  /** Registers an ONNX graph input for an IR input. */
  defineInput(decl: ValueDecl): void {
    this.#names.add(decl.name);
    this.#values.set(decl.name, { decl, tensor: decl.name, layout: 'ir' });
  }

  /** The ONNX tensor and layout of an exported IR value. */
  exported(name: string): ExportedValue {
    const v = this.#values.get(name);
    if (!v) this.fail(`input '${name}' has not been exported (nodes out of order?)`);
    return v;
  }

  /** The float32 view of an IR value in `layout`: DequantizeLinear for codes, then a Transpose if needed (each made once). */
  float(name: string, layout: Layout): string {
    const key = `${name}|${layout}`;
    const cached = this.#views.get(key);
    if (cached) return cached;
    const v = this.exported(name);
    let f = v.tensor;
    if (v.decl.dtype === 'int32') this.fail(`'${name}' holds int32 integers, not codes on a grid; it has no float view`);
    if (v.decl.dtype === 'int16' && this.settings.opset < 21) this.fail(`'${name}' holds int16 codes; DequantizeLinear takes int16 from opset 21 (export with { opset: 21 })`);
    if (v.decl.dtype !== 'float32') {
      const own = `${name}|${v.layout}`;
      f = this.#views.get(own) ?? this.emit('DequantizeLinear', [v.tensor, ...this.qparams(name, v.decl.quant as QuantParams, this.storage(v.decl))], {}, this.name(`${name}/dq`));
      this.#views.set(own, f);
    }
    if (layout !== v.layout) {
      if (v.decl.shape.length !== 4) this.fail(`'${name}' has rank ${v.decl.shape.length}; only rank-4 (NHWC) values change layout`);
      f = this.emit('Transpose', [f], { perm: layout === 'nchw' ? TO_NCHW : TO_NHWC }, this.name(`${name}/${layout === 'nchw' ? 'nchw' : 'nhwc'}`));
    }
    this.#views.set(key, f);
    return f;
  }

  /** The layout an input value is in now. */
  layout(name: string): Layout {
    return this.exported(name).layout;
  }

  /** Scale and zero-point initializers of a per-tensor or per-axis grid. */
  qparams(base: string, quant: QuantParams, type: DataTypeCode): [string, string] {
    const dims = quant.scale.length > 1 ? [quant.scale.length] : [];
    const zpType = type === DataType.FLOAT ? DataType.INT8 : type;
    const scale = this.initializer(floatTensor(this.name(`${base}/scale`), dims, quant.scale));
    const zp = zpType === DataType.INT32 ? int32Tensor(this.name(`${base}/zero_point`), dims, quant.zeroPoint) : codeTensor(this.name(`${base}/zero_point`), dims, zpType, quant.zeroPoint);
    return [scale, this.initializer(zp)];
  }

  /**
   * A weight: its codes as an integer initializer (int8, or INT4 for 2..4 bits with lowBits 'int4')
   * and a DequantizeLinear (per-axis along `axis` for per-channel params). Returns the float tensor.
   */
  weight(constName: string, w: WeightCodes): string {
    const type = this.settings.lowBits === 'int4' && w.quant.bits <= 4 ? DataType.INT4 : DataType.INT8;
    const codes = this.initializer(codeTensor(this.name(constName), w.dims, type, w.codes));
    const attrs: Record<string, AttrInit> = w.quant.scale.length > 1 ? { axis: w.axis } : {};
    return this.emit('DequantizeLinear', [codes, ...this.qparams(constName, w.quant, type)], attrs, this.name(`${constName}/dq`));
  }

  /** An int32 bias [C] and its DequantizeLinear (scale s_x * s_w[c], zero point 0), as the int runtime adds it. */
  bias(constName: string): string {
    const c = this.constant(constName);
    if (c.dtype !== 'int32' || !c.quant || c.shape.length !== 1) this.fail(`bias '${constName}' must be an int32 [C] constant with quant params`);
    const data = this.initializer(int32Tensor(this.name(constName), c.shape, c.data));
    const attrs: Record<string, AttrInit> = c.quant.scale.length > 1 ? { axis: 0 } : {};
    return this.emit('DequantizeLinear', [data, ...this.qparams(constName, c.quant, DataType.INT32)], attrs, this.name(`${constName}/dq`));
  }

  /**
   * Defines IR value `name` as float tensor `f` (in `layout`) quantized to its grid: the fused clamp
   * [lo, hi] (default the whole `bits` grid) becomes a float Relu (when lo is the zero point) and/or a
   * Clip of the codes after QuantizeLinear ('qcdq'), or a float Clip before it (INT4 storage, which
   * Clip does not take). Each form gives exactly clamp(roundHalfEven(f / s) + z, lo, hi).
   */
  quantized(name: string, f: string, layout: Layout, clamp?: Clamp): void {
    const decl = this.decl(name);
    if (decl.dtype === 'float32' || !decl.quant) this.fail(`'${name}' is float32; a quantized output was expected`);
    const quant = decl.quant;
    if (quant.scale.length !== 1) this.fail(`'${name}' has per-channel activation params; ONNX QuantizeLinear here is per-tensor`);
    [f, layout] = this.#outputLayout(name, f, layout);
    const type = this.storage(decl);
    if (type === DataType.INT16 && this.settings.opset < 21) this.fail(`'${name}' holds int16 codes (a 16-bit grid); QuantizeLinear gives int16 from opset 21 (export with { opset: 21 })`);
    const grid = codeRange(quant.bits, decl.dtype !== 'uint8');
    const [lo, hi] = clamp ?? [grid.qmin, grid.qmax];
    const t = type === DataType.INT4 ? codeRange(4, true) : type === DataType.INT16 ? codeRange(16, true) : codeRange(8, decl.dtype === 'int8');
    const z = quant.zeroPoint[0];
    const s = quant.scale[0];
    const relu = lo === z && lo > t.qmin;
    let pre = f;
    const needClip = hi < t.qmax || (lo > t.qmin && !relu);
    if (type === DataType.INT4 && needClip) {
      const bounds = [Math.fround((lo - z) * s), Math.fround((hi - z) * s)];
      const [mn, mx] = bounds.map((b, i) => this.initializer(floatTensor(this.name(`${name}/clip_${i === 0 ? 'min' : 'max'}`), [], [b])));
      pre = this.emit('Clip', [f, mn, mx], {}, this.name(`${name}/clip_float`));
    } else if (relu) {
      pre = this.emit('Relu', [f], {}, this.name(`${name}/relu`));
    }
    const intClip = type !== DataType.INT4 && needClip;
    const q = this.emit('QuantizeLinear', [pre, ...this.qparams(name, quant, type)], {}, intClip ? this.name(`${name}/q`) : this.#claim(name));
    if (intClip) {
      const mn = this.initializer(codeTensor(this.name(`${name}/clip_min`), [], type, [lo]));
      const mx = this.initializer(codeTensor(this.name(`${name}/clip_max`), [], type, [hi]));
      this.emit('Clip', [q, mn, mx], {}, this.#claim(name));
    }
    this.#values.set(name, { decl, tensor: name, layout });
  }

  /** Defines float32 IR value `name` as the output of op `opType` on `inputs` (in `layout`). */
  floatOutput(name: string, layout: Layout, opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrInit>> = {}): void {
    const decl = this.decl(name);
    if (decl.dtype !== 'float32') this.fail(`'${name}' is ${decl.dtype}; a float32 output was expected`);
    if (this.#outputs.has(name) && layout === 'nchw') {
      const f = this.emit(opType, inputs, attrs);
      this.emit('Transpose', [f], { perm: TO_NHWC }, this.#claim(name));
      layout = 'ir';
    } else {
      this.emit(opType, inputs, attrs, this.#claim(name));
    }
    this.#values.set(name, { decl, tensor: name, layout });
  }

  /**
   * Defines integer IR value `name` (codes, or int32 ids) as the output of op `opType` on `inputs`,
   * already in the value's storage type (e.g. a Concat of codes on one grid, a Cast of 16-bit codes).
   */
  codesOutput(name: string, layout: Layout, opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrInit>> = {}): void {
    const decl = this.decl(name);
    if (decl.dtype === 'float32') this.fail(`'${name}' is float32; integer codes were expected`);
    if (this.#outputs.has(name) && layout !== 'ir') this.fail(`graph output '${name}' must be in the IR's layout`);
    this.emit(opType, inputs, attrs, this.#claim(name));
    this.#values.set(name, { decl, tensor: name, layout });
  }

  /** Passes a value through unchanged under a new IR name (no ONNX node when not a graph output). */
  #claim(name: string): string {
    if (this.#names.has(name)) this.fail(`the ONNX name '${name}' is taken`);
    this.#names.add(name);
    return name;
  }

  /** Graph outputs are in the IR's layout: a channels-first value is transposed back before it is quantized. */
  #outputLayout(name: string, f: string, layout: Layout): [string, Layout] {
    if (!this.#outputs.has(name) || layout === 'ir') return [f, layout];
    return [this.emit('Transpose', [f], { perm: TO_NHWC }, this.name(`${name}/nhwc`)), 'ir'];
  }
}

/** The layer path an IR node comes from: its name up to the last '.' (core's convert names nodes `<path>.<suffix>`). */
export function layerOf(nodeName: string): string {
  const i = nodeName.lastIndexOf('.');
  return i > 0 ? nodeName.slice(0, i) : nodeName;
}
