// A gzip stream built by hand, bit by bit (RFC 1951/1952): `prefix` in a stored block, then a
// dynamic-Huffman block of `repeats` copies of "258 bytes at distance 1" (2 bits each: one code of
// length 1 for length 258, one for distance 1), so it repeats the last byte of `prefix` 258 * repeats
// times. 1 GiB of zeros costs about 1 MB, and building it costs nothing like decompressing it.

class Bits {
  readonly bytes: number[] = [];
  #acc = 0;
  #n = 0;
  /** Writes the low `n` bits of `v`, least significant first (deflate's order for everything but Huffman codes). */
  put(v: number, n: number): void {
    for (let i = 0; i < n; i++) {
      this.#acc |= ((v >>> i) & 1) << this.#n;
      if (++this.#n === 8) this.flush();
    }
  }
  /** Pads with zero bits to a byte boundary. */
  flush(): void {
    if (this.#n === 0) return;
    this.bytes.push(this.#acc);
    this.#acc = 0;
    this.#n = 0;
  }
}

/** The order code-length code lengths are stored in (RFC 1951, 3.2.7). */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * `crc` and `size` go in the gzip trailer; the defaults are wrong for the data, which only matters to a
 * reader that gets to the end (pass the right ones to check the stream decodes).
 */
export function gzipRepeat(prefix: Uint8Array, repeats: number, trailer: { crc: number; size: number } = { crc: 0, size: 0 }): Uint8Array {
  const b = new Bits();
  // stored block, not final
  b.put(0, 1);
  b.put(0, 2);
  b.flush();
  b.put(prefix.length, 16);
  b.put(~prefix.length & 0xffff, 16);
  for (const x of prefix) b.put(x, 8);
  // dynamic block, final
  b.put(1, 1);
  b.put(2, 2);
  b.put(286 - 257, 5); // HLIT: literal/length codes 0..285
  b.put(1 - 1, 5); // HDIST: one distance code
  b.put(18 - 4, 4); // HCLEN: code-length codes up to position 17 of CL_ORDER (symbol 1)
  // code-length code: symbols 1 and 18, length 1 each (canonical: 1 -> 0, 18 -> 1)
  for (let i = 0; i < 18; i++) b.put(CL_ORDER[i] === 1 || CL_ORDER[i] === 18 ? 1 : 0, 3);
  const zeros = (n: number) => { b.put(1, 1); b.put(n - 11, 7); }; // symbol 18: 11..138 zero lengths
  const one = () => b.put(0, 1); // symbol 1: a code length of 1
  zeros(138); zeros(118); // literals 0..255: unused
  one(); // 256: end of block
  zeros(28); // 257..284 unused
  one(); // 285: length 258
  one(); // distance code 0: distance 1
  // literal/length code: 256 -> 0, 285 -> 1; distance code: 0 -> 0
  for (let i = 0; i < repeats; i++) { b.put(1, 1); b.put(0, 1); }
  b.put(0, 1); // end of block
  b.flush();
  const body = Uint8Array.from(b.bytes);
  const out = new Uint8Array(10 + body.length + 8);
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  out.set(body, 10);
  const view = new DataView(out.buffer);
  view.setUint32(10 + body.length, trailer.crc >>> 0, true);
  view.setUint32(14 + body.length, trailer.size >>> 0, true);
  return out;
}
