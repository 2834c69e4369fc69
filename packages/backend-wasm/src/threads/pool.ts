// Workers over one shared WebAssembly memory: each instantiates the shared-memory kernels on it and
// then claims chunks of the jobs it is handed (protocol.ts), synchronously from the main thread's
// point of view: run() publishes a job, wakes the workers, claims chunks itself until none are left,
// and returns when every chunk has run (or throws the first error).
// Node, Deno and Bun run the source as an eval'd node:worker_threads script; a browser starts a Web
// Worker from a Blob URL (see spawn).
import { BackendWasmError } from '../errors.ts';
import { CTL_INTS, Ctl, FLOAT_ARGS, Job, JOB_CHUNKS_AT, JOB_INTS, KERNELS, MAX_CHUNKS, MAX_PATCHES, PATCH_INTS, type KernelCall, type Patch } from './protocol.ts';
import { WORKER_SOURCE } from './worker-source.ts';

/** What both kinds of worker have in common, as this file uses them. */
interface WorkerHandle {
  post(message: unknown): void;
  /** Called with each message, and with an Error when the worker fails or exits. */
  listen(onMessage: (m: { type: string; message?: string }) => void, onFailure: (e: Error) => void): void;
  /** Lets the process exit while the worker lives (Node, Bun); a no-op where the runtime has no such thing. */
  unref(): void;
  terminate(): void;
}

type NodeWorker = {
  postMessage(m: unknown): void;
  on(event: string, f: (v: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
};

// Node, Deno and Bun all run an eval'd node:worker_threads script, and their workers can be unref'd
// (a session left undisposed does not keep the process alive). Only a runtime without
// node:worker_threads (a browser) starts a Web Worker from a Blob URL. The global Worker is never
// trusted on a server runtime: onnxruntime-web replaces it with node:worker_threads' on Bun, which
// refuses a Blob URL.
async function spawn(): Promise<WorkerHandle> {
  const NodeWorkerClass = await workerThreads();
  if (NodeWorkerClass) return nodeWorker(new NodeWorkerClass(WORKER_SOURCE, { eval: true }));
  const WebWorker = (globalThis as { Worker?: typeof Worker }).Worker;
  if (typeof WebWorker !== 'function') {
    throw new BackendWasmError('loadSession: this runtime has neither node:worker_threads nor a global Worker');
  }
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  // The URL stays valid until the worker has answered: some engines read it after the constructor returns.
  return webWorker(new WebWorker(url, { type: 'module' }), () => URL.revokeObjectURL(url));
}

type NodeWorkerClass = new (src: string, o: { eval: true }) => NodeWorker;

async function workerThreads(): Promise<NodeWorkerClass | null> {
  const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { versions?: { node?: string } } };
  if (g.Deno === undefined && g.Bun === undefined && typeof g.process?.versions?.node !== 'string') return null;
  // A specifier in a variable: no Node types needed to build, and bundlers for browsers leave it alone.
  const specifier = 'node:worker_threads';
  try {
    return ((await import(/* @vite-ignore */ specifier)) as { Worker: NodeWorkerClass }).Worker;
  } catch {
    return null;
  }
}

function webWorker(w: Worker, revoke: () => void): WorkerHandle {
  return {
    post: (m) => w.postMessage(m),
    listen(onMessage, onFailure) {
      w.onmessage = (e: MessageEvent) => {
        revoke();
        onMessage(e.data);
      };
      w.onerror = (e: ErrorEvent) => {
        revoke();
        e.preventDefault(); // Deno would otherwise end the process
        onFailure(new Error(e.message));
      };
    },
    unref: () => (w as unknown as { unref?: () => void }).unref?.(),
    terminate: () => {
      revoke();
      w.terminate();
    },
  };
}

function nodeWorker(w: NodeWorker): WorkerHandle {
  return {
    post: (m) => w.postMessage(m),
    listen(onMessage, onFailure) {
      w.on('message', (m) => onMessage(m as { type: string }));
      w.on('error', (e) => onFailure(e as Error));
      w.on('exit', (code) => onFailure(new Error(`the worker exited (code ${String(code)})`)));
    },
    unref: () => w.unref(),
    terminate: () => void w.terminate(),
  };
}

/** True where this runtime can share a WebAssembly memory with workers (SharedArrayBuffer and Atomics). */
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
}

// How long a starting worker may take to compile the kernels and say 'ready' (tens of ms when well).
const START_TIMEOUT_MS = 30_000;

// How long the main thread polls for the workers' last chunks before it sleeps: chunks shrink towards
// the end of a job, so the last one is short unless its worker was descheduled (then sleep, and let
// it have the core).
const SPIN_MS = 0.3;

// A stalled job: the main thread waited longer for the workers' last chunks than it ran chunks
// itself (and over STALL_MS), so a worker was paused holding one: descheduled, as when other
// processes take the cores, or held up by its runtime (Bun's worker, now and then, on a quiet
// machine). Two stalled jobs in a row (one is most often a hiccup) make the next FIRST_SOLO jobs run
// on the main thread alone, twice as many after each further stall (up to MAX_SOLO): on a busy
// machine threads cost about one thread's time, not several time slices a run. A job that does not
// stall ends the backoff.
const STALL_MS = 0.2;
const FIRST_SOLO = 16;
const MAX_SOLO = 1024;

/** Counters since the session started, for the benchmarks (threadStats). */
export interface PoolStats {
  /** Jobs handed to the workers (split calls). */
  handoffs: number;
  /** Their chunks, and how many the main thread ran. */
  chunks: number;
  mainChunks: number;
  /** Time the main thread waited for workers' chunks after running out of its own, and how often it slept. */
  waitMs: number;
  mainSleeps: number;
  /** Times the workers went to sleep after their spin (between jobs, runs, or when idle). */
  workerSleeps: number;
  /** Stalled jobs, and the jobs then run on the main thread alone. */
  stalls: number;
  soloJobs: number;
}

export class WorkerPool {
  readonly #workers: WorkerHandle[];
  readonly #ctl: Int32Array[];
  readonly #job = new Int32Array(new SharedArrayBuffer(JOB_INTS * 4));
  /** The job block as float32, for FLOAT_ARGS. */
  readonly #jobF32 = new Float32Array(this.#job.buffer);
  #failure: Error | null = null;
  #closed = false;
  /** False where the main thread may not block (a browser's window): then it only polls. */
  #canWait = true;
  readonly #stats = { handoffs: 0, chunks: 0, mainChunks: 0, waitMs: 0, mainSleeps: 0, stalls: 0, soloJobs: 0 };
  /** Jobs left to run on the main thread alone, how many the last stall gave, and stalls in a row. */
  #solo = 0;
  #backoff = 0;
  #stalled = 0;

  private constructor(workers: WorkerHandle[], ctl: Int32Array[]) {
    this.#workers = workers;
    this.#ctl = ctl;
  }

  /** Starts `count` workers on `memory` with the given shared-memory builds of the kernels. */
  static async start(count: number, memory: WebAssembly.Memory, simd: string, relaxed: string | null): Promise<WorkerPool> {
    const workers: WorkerHandle[] = [];
    const ctl: Int32Array[] = [];
    let pool: WorkerPool | null = null;
    try {
      for (let i = 0; i < count; i++) workers.push(await spawn());
      pool = new WorkerPool(workers, ctl);
      const p = pool;
      await Promise.all(workers.map((w, i) => {
        const control = new SharedArrayBuffer(CTL_INTS * 4);
        ctl.push(new Int32Array(control));
        return new Promise<void>((resolve, reject) => {
          // A worker that never answers would leave loadSession pending forever: give up, by name.
          const timer = setTimeout(() => reject(new Error(`no answer within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
          const done = (e?: Error) => {
            clearTimeout(timer);
            if (e) reject(e);
            else resolve();
          };
          w.listen(
            (m) => done(m.type === 'ready' ? undefined : new Error(m.message ?? String(m.type))),
            (e) => {
              p.#failure ??= e;
              done(e);
            },
          );
          const floats = KERNELS.map((_, k) => FLOAT_ARGS[k as keyof typeof FLOAT_ARGS] ?? []);
          w.post({ simd, relaxed, memory, control, job: p.#job.buffer, thread: i + 1, names: KERNELS, floats });
        }).catch((e: unknown) => {
          throw new BackendWasmError(`loadSession: worker ${i + 1} of ${count} did not start: ${(e as Error).message}`);
        });
      }));
      for (const w of workers) w.unref();
      return pool;
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
  }

  /** Workers (the main thread is one more thread). */
  get size(): number {
    return this.#workers.length;
  }

  get stats(): PoolStats {
    return { ...this.#stats, workerSleeps: this.#ctl.reduce((a, c) => a + Atomics.load(c, Ctl.Sleeps), 0) };
  }

  /** Wakes sleeping workers to spin: a run that will hand them jobs is starting (waking takes tens of µs). */
  wake(): void {
    if (this.#solo > 0) return;
    for (const ctl of this.#ctl) Atomics.notify(ctl, Ctl.Seq);
  }

  /**
   * Runs the chunks over all threads: each thread claims the next chunk until none are left, the main
   * thread running its claims through `call`; returns when all have run. Then throws the first error
   * (the main thread's, else the first worker's).
   */
  run(chunks: readonly (readonly KernelCall[])[], patches: readonly Patch[], call: (c: KernelCall) => void): void {
    if (this.#closed) throw new BackendWasmError('run(): the session was disposed');
    if (this.#failure) throw new BackendWasmError(`run(): a worker failed earlier: ${this.#failure.message}`);
    const count = chunks.length;
    if (count > MAX_CHUNKS || patches.length > MAX_PATCHES) throw new BackendWasmError('internal: a job has too many chunks or patches');
    if (this.#solo > 0) {
      this.#solo--;
      this.#stats.soloJobs++;
      return this.#runAlone(chunks, call);
    }
    this.#publish(chunks, patches);
    for (const ctl of this.#ctl) {
      Atomics.add(ctl, Ctl.Seq, 1);
      Atomics.notify(ctl, Ctl.Seq);
    }
    let mainError: unknown = null;
    const t0 = performance.now();
    for (let i = claim(this.#job); i >= 0; i = claim(this.#job)) {
      // After an error the rest is only claimed (and counted), so the job still ends.
      if (mainError === null) {
        try {
          for (const c of chunks[i]) call(c);
        } catch (e) {
          mainError = e;
        }
      }
      Atomics.add(this.#job, Job.Finished, 1);
      this.#stats.mainChunks++;
    }
    const own = performance.now() - t0;
    const waited = this.#waitFinished(count);
    this.#stats.handoffs++;
    this.#stats.chunks += count;
    if (waited > STALL_MS && waited > own) {
      this.#stats.stalls++;
      if (++this.#stalled >= 2) {
        this.#backoff = Math.min(MAX_SOLO, this.#backoff === 0 ? FIRST_SOLO : 2 * this.#backoff);
        this.#solo = this.#backoff;
      }
    } else {
      this.#stalled = 0;
      this.#backoff = 0;
    }
    if (mainError !== null) throw mainFailed(mainError);
    this.#throwWorkerError();
  }

  /** @internal Runs the next `jobs` jobs on the main thread alone, as after a stall (the tests' way there). */
  runAlone(jobs: number): void {
    this.#solo = jobs;
  }

  #runAlone(chunks: readonly (readonly KernelCall[])[], call: (c: KernelCall) => void): void {
    try {
      for (const calls of chunks) for (const c of calls) call(c);
    } catch (e) {
      throw mainFailed(e);
    }
  }

  /** Writes the job: patches and chunk table first, the claim word last (workers read nothing before it). */
  #publish(chunks: readonly (readonly KernelCall[])[], patches: readonly Patch[]): void {
    const job = this.#job;
    job[Job.PatchCount] = patches.length;
    patches.forEach((p, i) => {
      const at = Job.Patches + i * PATCH_INTS;
      job[at] = p.kernel;
      job[at + 1] = p.arg;
      for (let t = 0; t < p.values.length; t++) job[at + 2 + t] = p.values[t];
    });
    let p = JOB_CHUNKS_AT;
    chunks.forEach((calls, i) => {
      job[Job.Offsets + i] = p;
      job[p++] = calls.length;
      for (const c of calls) {
        if (p + 2 + c.args.length > JOB_INTS) throw new BackendWasmError('internal: a job does not fit its block');
        job[p] = c.kernel;
        job[p + 1] = c.args.length;
        for (let j = 0; j < c.args.length; j++) job[p + 2 + j] = c.args[j];
        for (const j of FLOAT_ARGS[c.kernel] ?? []) this.#jobF32[p + 2 + j] = c.args[j];
        p += 2 + c.args.length;
      }
    });
    for (const ctl of this.#ctl) ctl[Ctl.Status] = 0;
    Atomics.store(job, Job.Finished, 0);
    Atomics.store(job, Job.Claim, chunks.length * 65536);
  }

  /** Polls (SPIN_MS), then sleeps, until all `count` chunks are finished; returns the ms waited. */
  #waitFinished(count: number): number {
    const job = this.#job;
    if (Atomics.load(job, Job.Finished) === count) return 0;
    const t0 = performance.now();
    let spins = 0;
    for (let done = Atomics.load(job, Job.Finished); done !== count; done = Atomics.load(job, Job.Finished)) {
      if ((++spins & 255) !== 0 || !this.#canWait || performance.now() - t0 < SPIN_MS) continue;
      try {
        this.#stats.mainSleeps++;
        Atomics.wait(job, Job.Finished, done, 1000);
      } catch {
        this.#canWait = false;
      }
    }
    const waited = performance.now() - t0;
    this.#stats.waitMs += waited;
    return waited;
  }

  #throwWorkerError(): void {
    for (let i = 0; i < this.#ctl.length; i++) {
      const ctl = this.#ctl[i];
      if (Atomics.load(ctl, Ctl.Status) === 0) continue;
      const message = String.fromCharCode(...ctl.subarray(Ctl.Msg, Ctl.Msg + ctl[Ctl.MsgLength]));
      throw new BackendWasmError(`run(): a kernel failed on worker ${i + 1}: ${message}`);
    }
  }

  /** Stops the workers (idempotent). */
  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const ctl of this.#ctl) {
      Atomics.store(ctl, Ctl.Quit, 1);
      Atomics.add(ctl, Ctl.Seq, 1);
      Atomics.notify(ctl, Ctl.Seq);
    }
    for (const w of this.#workers) w.terminate();
  }
}

/** A kernel's failure on the main thread, named as a worker's is: either may have claimed the chunk. */
function mainFailed(e: unknown): BackendWasmError {
  return new BackendWasmError(`run(): a kernel failed on the main thread: ${(e as Error).message ?? String(e)}`);
}

/** The next unclaimed chunk of the job published, or -1. Shared with worker-source.ts (keep in step). */
export function claim(job: Int32Array): number {
  for (;;) {
    const v = Atomics.load(job, Job.Claim);
    const next = v & 0xffff;
    if (next >= v >>> 16) return -1;
    if (Atomics.compareExchange(job, Job.Claim, v, v + 1) === v) return next;
  }
}
