// The few protobuf encodings an ONNX model needs (varints, length-delimited fields), so the
// benchmarks can build ONNX models in memory without a protobuf library.

const enc = new TextEncoder();

export class ProtoWriter {
  readonly #chunks: number[] = [];

  #varint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`protobuf varint out of range: ${v}`);
    while (v >= 0x80) {
      this.#chunks.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.#chunks.push(v);
  }

  #key(field: number, wire: 0 | 2): void {
    this.#varint(field * 8 + wire);
  }

  /** int32 / int64 / enum field (non-negative values only: all ONNX needs here). */
  int(field: number, v: number): this {
    this.#key(field, 0);
    this.#varint(v);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.#key(field, 2);
    this.#varint(b.length);
    for (const x of b) this.#chunks.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, enc.encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#chunks);
  }
}
