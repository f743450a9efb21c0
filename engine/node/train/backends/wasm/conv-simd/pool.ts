/**
 * Threads for the SIMD convolution kernels on tfjs-backend-wasm's threaded build: T−1 worker_threads, each with
 * its own instance of the shared-memory module on tfjs's (shared) memory, run their share of a kernel call while
 * the calling thread runs the first share, then it waits on an Atomics counter. Calls stay synchronous, as tfjs's
 * kernels must be. Workers are unref'd (they never keep Node alive); any failure to start them leaves the kernels
 * on one thread.
 */
import { Worker } from 'node:worker_threads';

/** Kernel names a share may call (index = the number written to the control block). */
export const SHARE_FUNCTIONS = ['conv_forward', 'conv_input_grad', 'conv_filter_grad_part'] as const;
export type ShareFunction = (typeof SHARE_FUNCTIONS)[number];
/** One share: a kernel export and its integer arguments (byte offsets and dimensions). */
export interface Share { fn: ShareFunction; args: number[] }

const SLOT = 24; // ints per worker: function index, argument count, up to 22 arguments
const HEAD = 4; // [generation, done, failed, ready]
/** How long a call waits for its shares without any finishing before it gives up with an error (never a hang). */
const STALL_MS = 30_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, slot, names } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const c = new Int32Array(ctrl);
Atomics.add(c, 3, 1);
Atomics.notify(c, 3);
let gen = 0; // a job posted before this thread started is still seen (the counter is past 0)
for (;;) {
  Atomics.wait(c, 0, gen);
  gen = Atomics.load(c, 0);
  const base = ${HEAD} + slot * ${SLOT};
  const fn = c[base];
  if (fn >= 0) {
    try { ex[names[fn]](...c.subarray(base + 2, base + 2 + c[base + 1])); } catch { Atomics.store(c, 2, 1); }
  }
  Atomics.add(c, 1, 1);
  Atomics.notify(c, 1);
}
`;

export interface Pool {
  /** Runs shares[1..] on the workers and `local` (shares[0]) here; returns once all are done. */
  run(shares: Share[], local: (s: Share) => void): void;
  size: number;
}

/** A pool of `threads` − 1 workers on `memory` (shared), or null where they cannot start. */
export function createPool(module: object, memory: object, threads: number): Pool | null {
  if (threads < 2) return null;
  try {
    const ctrl = new SharedArrayBuffer(4 * (HEAD + SLOT * (threads - 1)));
    const c = new Int32Array(ctrl);
    const workers: Worker[] = [];
    for (let slot = 0; slot < threads - 1; slot++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl, slot, names: [...SHARE_FUNCTIONS] } });
      w.unref();
      workers.push(w);
    }
    // Wait (at most 2 s) until every worker has its instance; otherwise stay on one thread.
    const t0 = Date.now();
    for (let ready = Atomics.load(c, 3); ready < workers.length; ready = Atomics.load(c, 3)) {
      if (Date.now() - t0 > 2000) {
        for (const w of workers) void w.terminate();
        return null;
      }
      Atomics.wait(c, 3, ready, 50);
    }
    return {
      size: threads,
      run(shares, local) {
        const k = workers.length;
        for (let slot = 0; slot < k; slot++) {
          const base = HEAD + slot * SLOT, s = shares[slot + 1];
          c[base] = s ? SHARE_FUNCTIONS.indexOf(s.fn) : -1;
          if (s) {
            c[base + 1] = s.args.length;
            for (let i = 0; i < s.args.length; i++) c[base + 2 + i] = s.args[i];
          }
        }
        Atomics.store(c, 1, 0);
        Atomics.store(c, 2, 0);
        Atomics.add(c, 0, 1);
        Atomics.notify(c, 0);
        if (shares[0]) local(shares[0]);
        let last = Date.now();
        for (let done = Atomics.load(c, 1); done < k; done = Atomics.load(c, 1)) {
          if (Atomics.wait(c, 1, done, 100) !== 'timed-out') last = Date.now();
          else if (Date.now() - last > STALL_MS) throw new Error('conv-simd: a worker thread stopped answering');
        }
        if (Atomics.load(c, 2)) throw new Error('conv-simd: a worker thread failed in a kernel');
      },
    };
  } catch {
    return null;
  }
}
