// The worker's program, as text: a worker is started as an eval'd node:worker_threads script (Node,
// Deno, Bun) or from a Blob URL (browsers), so nothing is read from a file at run time and the same
// code runs everywhere. Plain JavaScript, no imports. It compiles the shared-memory kernels,
// instantiates them on the session's memory, says 'ready', then runs commands from its control
// block (protocol.ts) until told to quit.
export const WORKER_SOURCE = String.raw`
const SEQ = 0, DONE = 1, STATUS = 2, MSG_LENGTH = 3, MSG = 4, CMD = 128, MSG_MAX = 120;
// Spin this many polls before sleeping in Atomics.wait: the next split call usually follows within
// microseconds, and waking a sleeping thread costs tens of them.
const SPIN = 20000;
function decode(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
async function init(d) {
  const env = { env: { memory: d.memory } };
  const simd = (await WebAssembly.instantiate(await WebAssembly.compile(decode(d.simd)), env)).exports;
  const relaxed = d.relaxed ? (await WebAssembly.instantiate(await WebAssembly.compile(decode(d.relaxed)), env)).exports : null;
  // protocol.ts's KERNELS: a kernel's index in the commands is its index in d.names.
  const kernels = d.names.map((name) => simd[name] || (relaxed && relaxed[name]));
  return { ctl: new Int32Array(d.control), kernels };
}
function serve(ctl, kernels) {
  let seen = 0;
  for (;;) {
    for (let spins = 0; Atomics.load(ctl, SEQ) === seen; spins++) {
      if (spins > SPIN) Atomics.wait(ctl, SEQ, seen);
    }
    seen = Atomics.load(ctl, SEQ);
    const calls = ctl[CMD];
    if (calls < 0) return;
    try {
      let p = CMD + 1;
      for (let i = 0; i < calls; i++) {
        const which = ctl[p];
        const n = ctl[p + 1];
        const args = Array.from(ctl.subarray(p + 2, p + 2 + n));
        p += 2 + n;
        if (typeof kernels[which] !== 'function') throw new Error('the worker has no kernel ' + which);
        kernels[which](...args);
      }
      ctl[STATUS] = 0;
    } catch (e) {
      const text = String(e && e.message ? e.message : e).slice(0, MSG_MAX);
      for (let i = 0; i < text.length; i++) ctl[MSG + i] = text.charCodeAt(i);
      ctl[MSG_LENGTH] = text.length;
      ctl[STATUS] = 1;
    }
    Atomics.store(ctl, DONE, seen);
    Atomics.notify(ctl, DONE);
  }
}
function start(post, listen, close) {
  listen((d) => {
    init(d).then(
      ({ ctl, kernels }) => {
        post({ type: 'ready' });
        serve(ctl, kernels);
        close();
      },
      (e) => post({ type: 'error', message: String(e && e.message ? e.message : e) }),
    );
  });
}
// node:worker_threads' port first: Bun's worker_threads workers also have a self whose messages do not
// reach the parent's 'message' listeners. A browser has no such module: its Web Worker uses self.
import('node:worker_threads').then(({ parentPort }) => parentPort, () => null).then((port) => {
  if (port) start((m) => port.postMessage(m), (f) => port.once('message', f), () => { if (typeof port.close === 'function') port.close(); });
  else start((m) => self.postMessage(m), (f) => { self.onmessage = (e) => f(e.data); }, () => self.close());
});
`;
