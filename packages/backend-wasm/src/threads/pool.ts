// Workers over one shared WebAssembly memory: each instantiates the shared-memory kernels on it and
// then runs the calls it is handed through its control block (protocol.ts), synchronously from the
// main thread's point of view: post() hands every worker its part, the main thread runs its own,
// wait() returns when all are done (or throws the first worker's error).
// Node, Deno and Bun run the source as an eval'd node:worker_threads script; a browser starts a Web
// Worker from a Blob URL (see spawn).
import { BackendWasmError } from '../errors.ts';
import { CTL_INTS, Ctl, KERNELS, type KernelCall } from './protocol.ts';
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

// Polls of the Done slot before the main thread sleeps: the worker's part is about as long as its own.
const SPIN = 20000;

export class WorkerPool {
  readonly #workers: WorkerHandle[];
  readonly #ctl: Int32Array[];
  #seq = 0;
  #failure: Error | null = null;
  #closed = false;
  /** False where the main thread may not block (a browser's window): then it only polls. */
  #canWait = true;

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
          w.post({ simd, relaxed, memory, control, names: KERNELS });
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

  /** Hands worker i the calls parts[i] (an empty part: nothing to do). Follow with wait(). */
  post(parts: readonly (readonly KernelCall[])[]): void {
    if (this.#closed) throw new BackendWasmError('run(): the session was disposed');
    if (this.#failure) throw new BackendWasmError(`run(): a worker failed earlier: ${this.#failure.message}`);
    this.#seq = (this.#seq + 1) | 0;
    for (let i = 0; i < parts.length; i++) {
      const ctl = this.#ctl[i];
      let p = Ctl.Cmd + 1;
      for (const c of parts[i]) {
        ctl[p] = c.kernel;
        ctl[p + 1] = c.args.length;
        for (let j = 0; j < c.args.length; j++) ctl[p + 2 + j] = c.args[j];
        p += 2 + c.args.length;
      }
      if (p > CTL_INTS) throw new BackendWasmError('internal: a worker command does not fit its control block');
      ctl[Ctl.Cmd] = parts[i].length;
      ctl[Ctl.Status] = 0;
      Atomics.store(ctl, Ctl.Seq, this.#seq);
      Atomics.notify(ctl, Ctl.Seq);
    }
    this.#posted = parts.length;
  }

  #posted = 0;

  /** Returns when the workers posted to have run their parts; throws the first one's error. */
  wait(): void {
    let error: string | null = null;
    for (let i = 0; i < this.#posted; i++) {
      const ctl = this.#ctl[i];
      for (let spins = 0; Atomics.load(ctl, Ctl.Done) !== this.#seq; spins++) {
        if (spins > SPIN && this.#canWait) {
          try {
            Atomics.wait(ctl, Ctl.Done, Atomics.load(ctl, Ctl.Done), 1000);
          } catch {
            this.#canWait = false;
          }
        }
      }
      if (ctl[Ctl.Status] !== 0 && error === null) {
        error = `worker ${i + 1}: ${String.fromCharCode(...ctl.subarray(Ctl.Msg, Ctl.Msg + ctl[Ctl.MsgLength]))}`;
      }
    }
    this.#posted = 0;
    if (error !== null) throw new BackendWasmError(`run(): a kernel failed on ${error}`);
  }

  /** Stops the workers (idempotent). */
  terminate(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const ctl of this.#ctl) {
      ctl[Ctl.Cmd] = -1;
      Atomics.add(ctl, Ctl.Seq, 1);
      Atomics.notify(ctl, Ctl.Seq);
    }
    for (const w of this.#workers) w.terminate();
  }
}
