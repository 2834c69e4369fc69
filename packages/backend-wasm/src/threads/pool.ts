// Workers over one shared WebAssembly memory: each instantiates the shared-memory kernels on it and
// then runs the calls it is handed through its control block (protocol.ts), synchronously from the
// main thread's point of view: post() hands every worker its part, the main thread runs its own,
// wait() returns when all are done (or throws the first worker's error).
// Bun and browsers start a Web Worker from a Blob URL; Node (no global Worker in Node 20) and Deno
// (see spawn) run the same source as an eval'd node:worker_threads script.
import { BackendWasmError } from '../errors.ts';
import { CTL_INTS, Ctl, type KernelCall } from './protocol.ts';
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

// The runtime's own Worker, taken when this module loads: onnxruntime-web, loaded later, replaces
// globalThis.Worker with node:worker_threads' on Bun, which refuses a Blob URL.
const NATIVE_WORKER = (globalThis as { Worker?: typeof Worker }).Worker;

async function spawn(): Promise<WorkerHandle> {
  const WebWorker = NATIVE_WORKER;
  // Deno's Web Workers cannot be unref'd (a session left undisposed would keep the process alive
  // forever), its node:worker_threads can: Deno takes the worker_threads path.
  // Node decides by runtime, not by a global Worker: a library (onnxruntime-web) may install
  // node:worker_threads' Worker as globalThis.Worker, which refuses a Blob URL.
  const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { versions?: { node?: string } } };
  const nodeOrDeno = g.Deno !== undefined || (g.Bun === undefined && typeof g.process?.versions?.node === 'string');
  if (typeof WebWorker === 'function' && !nodeOrDeno) {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    // The URL stays valid until the worker has answered: Bun reads it after the constructor returns.
    const revoke = () => URL.revokeObjectURL(url);
    let w: Worker | undefined;
    try {
      w = new WebWorker(url, { type: 'module' });
    } catch {
      // globalThis.Worker replaced by node:worker_threads' (onnxruntime-web does it on Bun), which
      // refuses a Blob URL: take the worker_threads path below
      revoke();
    }
    if (w) return webWorker(w, revoke);
  }
  return nodeWorker();
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

async function nodeWorker(): Promise<WorkerHandle> {
  // A specifier in a variable: no Node types needed to build, and bundlers for browsers leave it alone.
  const specifier = 'node:worker_threads';
  let NodeWorkerClass: new (src: string, o: { eval: true }) => NodeWorker;
  try {
    ({ Worker: NodeWorkerClass } = (await import(/* @vite-ignore */ specifier)) as { Worker: typeof NodeWorkerClass });
  } catch (e) {
    throw new BackendWasmError(`loadSession: this runtime has neither a global Worker nor node:worker_threads (${(e as Error).message})`);
  }
  const w = new NodeWorkerClass(WORKER_SOURCE, { eval: true });
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
          w.listen(
            (m) => (m.type === 'ready' ? resolve() : reject(new Error(m.message ?? String(m.type)))),
            (e) => {
              p.#failure ??= e;
              reject(e);
            },
          );
          w.post({ simd, relaxed, memory, control });
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
