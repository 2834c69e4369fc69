// The kernels travel as base64 inside an ES module, the one way that loads the same on Node, Deno,
// Bun and browsers (fetch of a file URL fails on Node; a .wasm import works on Deno only). atob exists on all of them.

export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
