// The one per-runtime shim of this package: everything that touches a file system or the network is
// here, so a browser build can replace this file (or simply never reach its file: branch).
//
// `node:fs/promises` works unchanged on Node, Deno and Bun. It is imported lazily, through a variable,
// so that loading the package in a browser does not fail: there only http(s)/blob/data URLs (read with
// fetch) and raw bytes work.

interface NodeFs {
  readFile(path: string | URL): Promise<Uint8Array>;
}

const NODE_FS = 'node:fs/promises';
let nodeFs: Promise<NodeFs> | undefined;

function loadNodeFs(): Promise<NodeFs> {
  nodeFs ??= import(/* @vite-ignore */ NODE_FS) as Promise<NodeFs>;
  return nodeFs;
}

/** The bytes at a file-system path, a file: URL, or (via fetch) an http(s), blob or data URL. */
export async function readBytes(location: string | URL): Promise<Uint8Array> {
  if (location instanceof URL && location.protocol !== 'file:') {
    const response = await fetch(location);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const fs = await loadNodeFs();
  const b = await fs.readFile(location);
  // Node and Bun return a Buffer (a Uint8Array subclass); hand out a plain view of the same memory.
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
