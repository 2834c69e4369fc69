import * as tf from '@tensorflow/tfjs-core';
import { placePoint, type QuantPoint, type QuantPointDecl } from '../quantizer/quant-point.ts';
import type { Quantizer } from '../quantizer/quantizer.ts';
import { tagGrid } from '../quantizer/tensor-grid.ts';
import { isLoweredValue, type LoweredValue, type LoweringContext } from '../convert/lowering-context.ts';
import { isTensor } from '../ops/fake-quantize.ts';
import { QatjsError, describeValue } from '../util/errors.ts';
import type { QuantController } from './quant-controller.ts';

const NAME = /^[A-Za-z_][\w]*$|^\d+$/;

function checkName(kind: string, what: string, name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new QatjsError(`${kind}: ${what} name ${JSON.stringify(name)} must be an identifier or an index (no dots)`);
  }
}

/** Several tensors by name, e.g. an LSTM's { output, h, c }. */
export type NamedTensors = { readonly [name: string]: tf.Tensor };

/** What forward() returns: one tensor, or named tensors. */
export type ModuleOutput = tf.Tensor | NamedTensors;

/**
 * A node of a model: parameters, child modules, a train/eval mode, a forward pass, and the
 * quantization points it declares. Adapters supply the layers; prepare() attaches quantizers to the
 * declared points; forward() passes tensors through them with `this.quantize(point, x)`.
 *
 * Paths name modules by their registered names joined with dots ("encoder.0.attn.qkv").
 *
 * forward() takes whatever the layer needs (one tensor, several, a state object) and returns one
 * tensor or named tensors; `Out` says which (one tensor unless a layer declares otherwise).
 * Functions that take any model take a `Module<ModuleOutput>`.
 */
export abstract class Module<Out extends ModuleOutput = tf.Tensor> {
  /** The layer kind that recipes match on, e.g. "Conv2d". */
  abstract readonly kind: string;
  private trainingMode = true;
  private readonly params = new Map<string, tf.Variable>();
  private readonly children = new Map<string, Module<ModuleOutput>>();
  private readonly quantizers = new Map<string, Quantizer>();
  private controller: QuantController | undefined;
  private integerOnlyMode = false;

  abstract forward(...inputs: unknown[]): Out;

  /** The points this layer can quantize. Containers declare none. */
  quantPoints(): QuantPointDecl[] {
    return [];
  }

  get training(): boolean {
    return this.trainingMode;
  }

  /** Sets train (true) or eval (false) mode on this module and all below it. */
  train(on = true): this {
    for (const [, m] of this.namedModules()) m.trainingMode = on;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /**
   * True for layers with an integer-only form of their nonlinearity (I-BERT's GELU, softmax, layer
   * norm), which a recipe rule's `integerOnly` switches on. Such a layer computes that form in its
   * forward pass (on its input's grid, gridOf) and lowers it to the IR's integer-only op.
   */
  get hasIntegerOnlyForm(): boolean {
    return false;
  }

  /** Whether this layer computes its nonlinearity in integers (set by prepare() from the recipe). */
  get integerOnly(): boolean {
    return this.integerOnlyMode;
  }

  /** Used by prepare(): switches the integer-only form on or off (only on layers that have one). */
  setIntegerOnly(on: boolean): void {
    if (on && !this.hasIntegerOnlyForm) throw new QatjsError(`${this.kind}: this layer has no integer-only form`);
    this.integerOnlyMode = on;
  }

  /** Creates a parameter from `value`, which it takes over (and disposes). */
  protected registerParameter(name: string, value: tf.Tensor, trainable = true): tf.Variable {
    checkName(this.kind, 'parameter', name);
    if (this.params.has(name) || this.children.has(name)) throw new QatjsError(`${this.kind}: '${name}' is already registered`);
    const v = tf.variable(value, trainable);
    value.dispose();
    this.params.set(name, v);
    return v;
  }

  protected registerModule<M extends Module<ModuleOutput>>(name: string, module: M): M {
    checkName(this.kind, 'module', name);
    if (!(module instanceof Module)) throw new QatjsError(`${this.kind}: child '${name}' is not a Module`);
    if (this.params.has(name) || this.children.has(name)) throw new QatjsError(`${this.kind}: '${name}' is already registered`);
    this.children.set(name, module);
    return module;
  }

  /**
   * This module (path '') and every module below it, parents before children, in registration order.
   * They are typed as modules of one tensor, as most are; a module that returns named tensors may be
   * among them (check forward()'s result with isTensor when walking a model of unknown layers).
   */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this as unknown as Module];
    for (const [name, child] of this.children) yield* child.namedModules(prefix ? `${prefix}.${name}` : name);
  }

  /** Direct children by their registered names, in registration order (typed as namedModules() says). */
  namedChildren(): Array<[string, Module]> {
    return [...this.children] as Array<[string, Module]>;
  }

  /** Every parameter below this module with its full path ("features.0.weight"). */
  namedParameters(): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [path, m] of this.namedModules()) {
      for (const [name, v] of m.params) out.push([path ? `${path}.${name}` : name, v]);
    }
    return out;
  }

  /** Own parameters by name (not the children's). */
  ownParameter(name: string): tf.Variable | undefined {
    return this.params.get(name);
  }

  /** Trainable parameters and the learnable variables of attached quantizers. */
  trainableVariables(): tf.Variable[] {
    const out = new Set<tf.Variable>();
    for (const [, v] of this.namedParameters()) if (v.trainable) out.add(v);
    for (const [, q] of this.namedQuantizers()) for (const v of q.variables) if (v.trainable) out.add(v);
    return [...out];
  }

  /** Attached quantizers below this module, by point label ("conv1/weight"). */
  namedQuantizers(): Array<[string, Quantizer]> {
    const out: Array<[string, Quantizer]> = [];
    for (const [, m] of this.namedModules()) for (const q of m.quantizers.values()) out.push([q.point.label, q]);
    return out;
  }

  /** The declared points placed at `path`, as prepare() sees them. */
  placedPoints(path: string): QuantPoint[] {
    return this.quantPoints().map((d) => placePoint(d, path, this.kind));
  }

  getQuantizer(point: string): Quantizer | undefined {
    return this.quantizers.get(point);
  }

  /** Used by prepare(): attaches a quantizer to one of this layer's declared points. */
  attachQuantizer(point: string, q: Quantizer): void {
    if (!this.quantPoints().some((d) => d.name === point)) {
      throw new QatjsError(`${this.kind}: no quantization point '${point}' (declared: ${this.quantPoints().map((d) => d.name).join(', ') || 'none'})`);
    }
    if (this.quantizers.has(point)) throw new QatjsError(`${this.kind}: point '${point}' already has a quantizer`);
    this.quantizers.set(point, q);
  }

  /** Removes and disposes every quantizer below this module, and forgets the controller. */
  detachQuantizers(): void {
    for (const [, m] of this.namedModules()) {
      for (const q of m.quantizers.values()) q.dispose();
      m.quantizers.clear();
      m.controller = undefined;
      m.integerOnlyMode = false;
    }
  }

  /** Shares one controller with every module below this one (prepare() does this). */
  setController(controller: QuantController): void {
    for (const [, m] of this.namedModules()) m.controller = controller;
  }

  get quantController(): QuantController | undefined {
    return this.controller;
  }

  /**
   * Passes x through the quantizer attached at `point`, or returns x if there is none. The result of
   * an affine per-tensor activation quantizer is tagged with its grid (gridOf), for layers that
   * simulate integer arithmetic on their input's grid; qparams() is only asked if a layer looks.
   */
  protected quantize(point: string, x: tf.Tensor): tf.Tensor {
    const q = this.quantizers.get(point);
    if (!q || !this.controller) return x;
    const y = q.apply(x, this.controller.contextFor(this.trainingMode));
    if (y !== x && q.affine === true && q.point.role === 'activation' && q.spec.axis === undefined) {
      tagGrid(y, () => {
        const p = q.qparams();
        return { scale: p.scale[0], zeroPoint: p.zeroPoint[0] };
      });
    }
    return y;
  }

  /** Disposes parameters and quantizers below this module. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const v of m.params.values()) v.dispose();
      m.params.clear();
    }
    this.detachQuantizers();
  }
}

/**
 * Runs modules one after another on one tensor. Children given as an array are named "0", "1", ...;
 * given as an object (`new Sequential({ conv1, pool1, fc1 })`) they keep its names, in its key order,
 * and those names are the layer paths recipes match (`conv1`, `fc1.weight`). A child that returns
 * named tensors cannot be chained: forward() and lower() throw, naming the child.
 */
export class Sequential extends Module {
  readonly kind = 'Sequential';
  private readonly layers: Array<Module<ModuleOutput>>;
  private readonly names: string[];

  constructor(layers: Array<Module<ModuleOutput>> | Readonly<Record<string, Module<ModuleOutput>>>) {
    super();
    if (Array.isArray(layers)) this.names = layers.map((_, i) => String(i));
    else if (layers !== null && typeof layers === 'object' && !(layers instanceof Module)) {
      this.names = Object.keys(layers);
      // Integer-like keys come first in any JS object, whatever order they were written in.
      const numeric = this.names.find((n) => /^\d+$/.test(n));
      if (numeric !== undefined) throw new QatjsError(`Sequential: child name '${numeric}' is a number (objects reorder those); pass an array for numbered children`);
    } else throw new QatjsError(`Sequential: expected an array of modules or an object of named modules, got ${describeValue(layers)}`);
    const list: Array<Module<ModuleOutput>> = Array.isArray(layers) ? layers : this.names.map((n) => (layers as Readonly<Record<string, Module<ModuleOutput>>>)[n]!);
    this.layers = list.map((m, i) => this.registerModule(this.names[i]!, m));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      this.layers.reduce((h: tf.Tensor, m, i) => {
        const y = m.forward(h);
        if (!isTensor(y)) throw new QatjsError(`Sequential: child ${this.names[i]} (${m.kind}) returned named tensors (${Object.keys(y).join(', ')}); Sequential chains layers that return one tensor`);
        return y;
      }, x),
    );
  }

  lower(ctx: LoweringContext, inputs: readonly LoweredValue[]): LoweredValue {
    return this.layers.reduce((v: LoweredValue, m, i) => {
      const name = this.names[i]!;
      const out = ctx.lowerChild(name, m, [v]);
      if (!isLoweredValue(out)) ctx.fail(`child ${name} (${m.kind}) lowered to named values (${Object.keys(out).join(', ')}); Sequential chains layers that return one value`);
      return out;
    }, inputs[0] as LoweredValue);
  }
}
