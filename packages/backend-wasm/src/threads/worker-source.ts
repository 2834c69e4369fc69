// The worker's program, as text: a worker is started as an eval'd node:worker_threads script (Node,
// Deno, Bun) or from a Blob URL (browsers), so nothing is read from a file at run time and the same
// code runs everywhere. Plain JavaScript, no imports (protocol.ts's slot numbers are written in). It compiles the shared-memory kernels,
// instantiates them on the session's memory, says 'ready', then claims and runs chunks of the jobs
// it is handed (protocol.ts) until told to quit.
import { Ctl, Job, MSG_MAX, PATCH_INTS } from './protocol.ts';

export const WORKER_SOURCE = String.raw`
const SEQ = ${Ctl.Seq}, QUIT = ${Ctl.Quit}, STATUS = ${Ctl.Status}, MSG_LENGTH = ${Ctl.MsgLength}, MSG = ${Ctl.Msg};
const SLEEPS = ${Ctl.Sleeps}, CHUNKS = ${Ctl.Chunks}, MSG_MAX = ${MSG_MAX};
const CLAIM = ${Job.Claim}, FINISHED = ${Job.Finished}, PATCH_COUNT = ${Job.PatchCount}, PATCHES = ${Job.Patches};
const PATCH_INTS = ${PATCH_INTS}, OFFSETS = ${Job.Offsets};
// Poll for a job this long before sleeping in Atomics.wait: the next split call of a run usually
// follows within a few hundred microseconds, and waking a sleeping thread costs tens of them. A
// notify with no job (the main thread's wake() as a run starts) restarts the spin.
const SPIN_MS = 1;
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
  return { ctl: new Int32Array(d.control), job: new Int32Array(d.job), thread: d.thread, kernels, floats: d.floats };
}
// pool.ts's claim(): the next unclaimed chunk of the job published, or -1.
function claim(job) {
  for (;;) {
    const v = Atomics.load(job, CLAIM);
    const next = v & 0xffff;
    if (next >= v >>> 16) return -1;
    if (Atomics.compareExchange(job, CLAIM, v, v + 1) === v) return next;
  }
}
// One argument array per argument count, reused: a run hands out dozens of chunks, and no garbage
// a chunk means no collection in the worker mid-job (Bun's worker had chunks of 4-16 ms on a quiet
// machine; with this, about half as many).
const argvs = [];
// Runs chunk i's calls, with this thread's values of the job's patches; floats[kernel] lists the
// arguments the job holds as float32 bits.
function runChunk(job, jobF32, i, thread, kernels, floats) {
  const patches = job[PATCH_COUNT];
  let p = job[OFFSETS + i];
  const calls = job[p++];
  for (let c = 0; c < calls; c++) {
    const which = job[p];
    const n = job[p + 1];
    const args = argvs[n] || (argvs[n] = new Array(n).fill(0));
    for (let j = 0; j < n; j++) args[j] = job[p + 2 + j];
    const fl = floats[which];
    for (let j = 0; j < fl.length; j++) args[fl[j]] = jobF32[p + 2 + fl[j]];
    p += 2 + n;
    for (let q = 0; q < patches; q++) {
      const at = PATCHES + q * PATCH_INTS;
      if (job[at] === which) args[job[at + 1]] = job[at + 1 + thread];
    }
    if (typeof kernels[which] !== 'function') throw new Error('the worker has no kernel ' + which);
    kernels[which].apply(null, args);
  }
}
function serve(ctl, job, thread, kernels, floats) {
  const jobF32 = new Float32Array(job.buffer);
  let seen = 0;
  for (;;) {
    let t0 = performance.now();
    for (let spins = 0; Atomics.load(ctl, SEQ) === seen; ) {
      if ((++spins & 1023) !== 0 || performance.now() - t0 < SPIN_MS) continue;
      Atomics.add(ctl, SLEEPS, 1);
      Atomics.wait(ctl, SEQ, seen);
      t0 = performance.now();
    }
    seen = Atomics.load(ctl, SEQ);
    if (Atomics.load(ctl, QUIT) !== 0) return;
    for (let i = claim(job); i >= 0; i = claim(job)) {
      // After an error the rest of what it claims is only counted, so the job still ends.
      if (ctl[STATUS] === 0) {
        try {
          runChunk(job, jobF32, i, thread, kernels, floats);
        } catch (e) {
          const text = String(e && e.message ? e.message : e).slice(0, MSG_MAX);
          for (let k = 0; k < text.length; k++) ctl[MSG + k] = text.charCodeAt(k);
          ctl[MSG_LENGTH] = text.length;
          Atomics.store(ctl, STATUS, 1);
        }
      }
      Atomics.add(ctl, CHUNKS, 1);
      if (Atomics.add(job, FINISHED, 1) + 1 === (Atomics.load(job, CLAIM) >>> 16)) Atomics.notify(job, FINISHED);
    }
  }
}
function start(post, listen, close) {
  listen((d) => {
    init(d).then(
      ({ ctl, job, thread, kernels, floats }) => {
        post({ type: 'ready' });
        serve(ctl, job, thread, kernels, floats);
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
