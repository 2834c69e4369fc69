import { IntModelError, fail } from './errors.ts';
import { codeRange, dtypeInfo } from './dtype.ts';
import type { TensorInfo } from './ops/schema.ts';
import { checkNode, schemaFor } from './validate/node.ts';
import { validateModel } from './validate/model.ts';
import { checkConstant, checkMetadata, checkValue } from './validate/structure.ts';
import type { ActivationDType, AttrValue, Constant, IntModel, Node, QuantParams, ValueDecl } from './types.ts';

/** A private copy, so later changes to the caller's arrays do not reach the model. */
function copyQuant(q: QuantParams | undefined): { quant?: QuantParams } {
  if (q === undefined) return {};
  const base = { scale: Float32Array.from(q.scale), zeroPoint: Int32Array.from(q.zeroPoint), bits: q.bits };
  return { quant: q.axis === undefined ? base : { ...base, axis: q.axis } };
}

/** How a node's output value is declared; what is left out is inferred (shape always). */
export interface OutputOptions {
  /** The value's name; default `<op>_<n>`. The node takes the name of its first output. */
  readonly name?: string;
  /** Required where the op does not fix it (quantize, conv2d, ...); pooling and reshape copy the input's. */
  readonly dtype?: ActivationDType;
  readonly quant?: QuantParams;
}

/**
 * Assembles an IntModel node by node. Each call checks what it adds at once (so an error points at
 * the call that caused it) and leaves the builder unchanged when it throws; build() validates the
 * whole model. Tensors are referred to by name.
 */
export class GraphBuilder {
  #values: ValueDecl[] = [];
  #constants: Constant[] = [];
  #nodes: Node[] = [];
  #inputs: string[] = [];
  #outputs: string[] = [];
  #tensors = new Map<string, TensorInfo>();
  #nodeNames = new Set<string>();
  #metadata: Record<string, string> | undefined;
  #counter = 0;

  constructor(options: { metadata?: Record<string, string> } = {}) {
    if (options.metadata !== undefined) {
      checkMetadata(options.metadata, 'metadata');
      this.#metadata = { ...options.metadata };
    }
  }

  #claim(name: string, field: string): void {
    if (this.#tensors.has(name)) fail(field, `a tensor named '${name}' already exists`);
  }

  /** Declares a graph input. */
  input(name: string, dtype: ActivationDType, shape: readonly number[], quant?: QuantParams): string {
    const field = `inputs[${this.#inputs.length}]`;
    checkValue({ name, dtype, shape, ...(quant ? { quant } : {}) }, field);
    const decl: ValueDecl = { name, dtype, shape: [...shape], ...copyQuant(quant) };
    this.#claim(name, 'input.name');
    this.#values.push(decl);
    this.#inputs.push(name);
    this.#tensors.set(name, decl);
    return name;
  }

  /**
   * Adds a constant (weights, bias); `data` is the stored form (packed bytes for int4/int2: packCodes).
   * The model keeps `data` itself (weights are big): do not change it afterwards.
   */
  constant(c: Constant): string {
    checkConstant(c, `constants[${this.#constants.length}]`);
    const decl: Constant = { name: c.name, dtype: c.dtype, shape: [...c.shape], ...copyQuant(c.quant), data: c.data };
    this.#claim(decl.name, 'constant.name');
    this.#constants.push(decl);
    this.#tensors.set(decl.name, decl);
    return decl.name;
  }

  #freshName(op: string): string {
    for (;;) {
      const name = `${op}_${this.#counter++}`;
      if (!this.#tensors.has(name) && !this.#nodeNames.has(name)) return name;
    }
  }

  /**
   * Fills in attributes left out: each schema default; a clamp defaults to output 0's whole grid
   * (output 0 as given, or, when the op keeps its input's dtype and quant, input 0).
   */
  #withDefaults(op: string, attrs: Readonly<Record<string, AttrValue | undefined>>, given: OutputOptions | undefined, input0: string | undefined, field: string): Record<string, AttrValue> {
    const out0 = given?.dtype && given.quant ? given : input0 === undefined ? undefined : this.#tensors.get(input0);
    const schema = schemaFor({ op } as Node, field);
    const full: Record<string, AttrValue> = {};
    for (const [key, value] of Object.entries(attrs)) {
      if (value !== undefined) full[key] = Array.isArray(value) ? [...(value as number[])] : value;
    }
    for (const [key, spec] of Object.entries(schema.attrs)) {
      if (full[key] !== undefined) continue;
      if (spec.kind === 'clamp') {
        // an optional clamp (add, mul) is left out of the float32 form (a float32 output or input)
        const input0Float = input0 !== undefined && this.#tensors.get(input0)?.dtype === 'float32';
        if (spec.optional === true && ((given?.dtype ?? out0?.dtype) === 'float32' || input0Float)) continue;
        if (!out0?.dtype || !out0.quant || !dtypeInfo(out0.dtype).quantized) fail(`${field}.attrs.${key}`, `${op} needs its output dtype and quant to default the clamp`);
        const { qmin, qmax } = codeRange(out0.quant.bits, dtypeInfo(out0.dtype).signed);
        full[key] = [qmin, qmax];
      } else if (spec.default !== undefined) {
        full[key] = spec.default;
      }
    }
    return full;
  }

  /**
   * Adds a node of any registered op: infers the output shapes (and dtype/quant where the op fixes
   * them), declares the output values, checks the node. Returns the output names.
   */
  node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue | undefined>> = {}, outputs: readonly OutputOptions[] = [{}]): string[] {
    const field = `nodes[${this.#nodes.length}]`;
    const full = this.#withDefaults(op, attrs, outputs[0], inputs[0], field);
    const names = outputs.map((o) => o.name ?? this.#freshName(op));
    const node: Node = { op, name: names[0] ?? this.#freshName(op), inputs: [...inputs], outputs: names, attrs: full };
    if (this.#nodeNames.has(node.name)) fail(`${field}.name`, `a node named '${node.name}' already exists`);
    const lookup = (name: string) => this.#tensors.get(name);
    const inferred = checkNode(node, field, lookup);
    const decls = outputs.map((o, i): ValueDecl => {
      const inf = inferred[i];
      const dtype = o.dtype ?? inf.dtype;
      const quant = o.quant ?? inf.quant;
      if (dtype === undefined) fail(`${field}.outputs[${i}]`, `${op} needs the dtype (and quant) of output '${names[i]}'`);
      this.#claim(names[i], `${field}.outputs[${i}]`);
      return checkValue({ name: names[i], dtype, shape: [...inf.shape], ...copyQuant(quant) }, `${field}.outputs[${i}]`);
    });
    if (new Set(names).size !== names.length) fail(`${field}.outputs`, 'output names repeat');
    checkNode(node, field, lookup, decls);
    this.#nodes.push(node);
    this.#nodeNames.add(node.name);
    for (const d of decls) {
      this.#values.push(d);
      this.#tensors.set(d.name, d);
    }
    return names;
  }

  /** The shape, dtype and quant of a tensor added so far. */
  info(name: string): TensorInfo {
    const t = this.#tensors.get(name);
    if (!t) throw new IntModelError('name', `no tensor named '${name}'`);
    return t;
  }

  /** Marks values as graph outputs, in order. */
  output(...names: string[]): void {
    for (const name of names) {
      const t = this.#tensors.get(name);
      if (!t || t.data !== undefined) fail(`outputs[${this.#outputs.length}]`, `'${name}' is not a value of this graph`);
      if (this.#outputs.includes(name)) fail(`outputs[${this.#outputs.length}]`, `'${name}' is already an output`);
      this.#outputs.push(name);
    }
  }

  /** The model so far, validated as a whole. The builder can keep going afterwards. */
  build(): IntModel {
    const model: IntModel = {
      version: 1,
      inputs: [...this.#inputs],
      outputs: [...this.#outputs],
      values: [...this.#values],
      constants: [...this.#constants],
      nodes: [...this.#nodes],
      ...(this.#metadata ? { metadata: { ...this.#metadata } } : {}),
    };
    validateModel(model);
    return model;
  }
}
