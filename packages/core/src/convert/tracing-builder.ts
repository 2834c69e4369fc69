import { ModelBuilder, type AttrValue, type OutputOptions } from '@qatjs/ir';

/**
 * A ModelBuilder that remembers the names of the nodes it adds (and of the one being added), so an
 * IR error about `nodes[i]` can be reported with the node's name, which carries the layer path.
 */
export class TracingBuilder extends ModelBuilder {
  readonly #names: string[] = [];
  #pending: string | undefined;

  override node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue | undefined>> = {}, outputs: readonly OutputOptions[] = [{}]): string[] {
    this.#pending = outputs[0]?.name ?? `a ${op} node`;
    const names = super.node(op, inputs, attrs, outputs);
    this.#names.push(names[0]);
    this.#pending = undefined;
    return names;
  }

  /** The name of node i: added, or being added (i = the count so far); undefined otherwise. */
  nodeName(i: number): string | undefined {
    return i < this.#names.length ? this.#names[i] : i === this.#names.length ? this.#pending : undefined;
  }
}
