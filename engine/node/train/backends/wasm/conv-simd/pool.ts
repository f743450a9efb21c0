/**
 * Threads for the SIMD convolution kernels on tfjs-backend-wasm's threaded build: T−1 worker_threads, each with
 * its own instance of the kernels' shared-memory module on tfjs's (shared) memory, run their share of a kernel call
 * while the calling thread runs the first share, then it waits on an Atomics counter. Calls stay synchronous, as
 * tfjs's kernels must be. Workers are unref'd (they never keep Node alive); any failure to start them leaves the
 * kernels on one thread.
 *
 * Each slot's share is a small state machine in the control block: EMPTY (no share) or POSTED → CLAIMED (a worker
 * took it, by compare-exchange) → DONE; or POSTED → REVOKED when no worker took it within `claimMs` (a thread
 * starved on a loaded machine, or gone): the calling thread then runs it itself, so a slow worker can never fail
 * or stall a training, and the pool stays on one thread for the rest of the run (one warning). A share a worker
 * claimed is always waited for (kernels take milliseconds); only a claimed share unfinished after `hangMs`
 * (default 10 minutes: a dead thread) raises an error instead of hanging.
 */
import { Worker } from 'node:worker_threads';

/** Kernel names a share may call (index = the number written to the control block). */
export const SHARE_FUNCTIONS = ['conv_forward', 'conv_input_grad', 'conv_filter_grad_part'] as const;
export type ShareFunction = (typeof SHARE_FUNCTIONS)[number];
/** One share: a kernel export and its integer arguments (byte offsets and dimensions). */
export interface Share { fn: ShareFunction; args: number[] }

const SLOT = 24; // ints per worker: function index, argument count, up to 22 arguments
const HEAD = 4; // [generation, done, failed, ready]
/** A slot's share: its states (see the file comment). */
const EMPTY = 0, POSTED = 1, CLAIMED = 2, DONE = 3, REVOKED = 4;

/** Timing limits of a pool (tests shorten them). */
export interface PoolOptions {
  /** How long a posted share may wait for a worker to take it before the calling thread runs it (ms). */
  claimMs?: number;
  /** How long a claimed share may run before the call fails with an error rather than hang (ms). */
  hangMs?: number;
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, slot, names, state } = workerData;
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
  if (fn >= 0 && Atomics.compareExchange(c, state, ${POSTED}, ${CLAIMED}) === ${POSTED}) {
    try { ex[names[fn]](...c.subarray(base + 2, base + 2 + c[base + 1])); } catch { Atomics.store(c, 2, 1); }
    Atomics.store(c, state, ${DONE});
  }
  Atomics.add(c, 1, 1);
  Atomics.notify(c, 1);
}
`;

export interface Pool {
  /** Runs shares[1..] on the workers and `local` (shares[0]) here; returns once all are done. */
  run(shares: Share[], local: (s: Share) => void): void;
  /** Threads a call is split over: T, or 1 once a worker failed to take its share in time. */
  size: number;
  /** Stops the worker threads (as a thread that stopped answering: the next call takes its share back). */
  close(): Promise<void>;
}

/** A pool of `threads` − 1 workers on `memory` (shared), or null where they cannot start. */
export function createPool(module: object, memory: object, threads: number, opts: PoolOptions = {}): Pool | null {
  if (threads < 2) return null;
  const claimMs = opts.claimMs ?? 10_000, hangMs = opts.hangMs ?? 600_000;
  try {
    const k = threads - 1, states = HEAD + SLOT * k;
    const ctrl = new SharedArrayBuffer(4 * (states + k));
    const c = new Int32Array(ctrl);
    const workers: Worker[] = [];
    for (let slot = 0; slot < k; slot++) {
      const w = new Worker(WORKER_SOURCE, {
        eval: true, workerData: { module, memory, ctrl, slot, names: [...SHARE_FUNCTIONS], state: states + slot },
      });
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
    const pool: Pool = {
      size: threads,
      run(shares, local) {
        if (pool.size < 2) {
          shares.forEach(local);
          return;
        }
        for (let slot = 0; slot < k; slot++) {
          const base = HEAD + slot * SLOT, s = shares[slot + 1];
          c[base] = s ? SHARE_FUNCTIONS.indexOf(s.fn) : -1;
          if (s) {
            c[base + 1] = s.args.length;
            for (let i = 0; i < s.args.length; i++) c[base + 2 + i] = s.args[i];
          }
          Atomics.store(c, states + slot, s ? POSTED : EMPTY);
        }
        Atomics.store(c, 2, 0);
        Atomics.add(c, 0, 1);
        Atomics.notify(c, 0);
        if (shares[0]) local(shares[0]);
        const t0 = Date.now();
        for (;;) {
          const seen = Atomics.load(c, 1);
          let open = 0;
          for (let slot = 0; slot < k; slot++) {
            const st = Atomics.load(c, states + slot);
            if (st === POSTED && Date.now() - t0 > claimMs && Atomics.compareExchange(c, states + slot, POSTED, REVOKED) === POSTED) {
              local(shares[slot + 1]); // no worker took it: run it here, and split no more calls
              if (pool.size > 1) {
                pool.size = 1;
                console.warn(`conv-simd: a worker thread did not take its share within ${claimMs / 1000} s (a loaded machine?); `
                  + 'the share ran on the calling thread, and the SIMD convolutions stay on one thread for the rest of this run');
              }
            } else if (st === POSTED || st === CLAIMED) open++;
          }
          if (!open) break;
          if (Date.now() - t0 > hangMs) throw new Error(`conv-simd: a worker thread has run one kernel share for over ${hangMs / 1000} s`);
          Atomics.wait(c, 1, seen, 100);
        }
        if (Atomics.load(c, 2)) throw new Error('conv-simd: a worker thread failed in a kernel');
      },
      async close() {
        await Promise.all(workers.map((w) => w.terminate()));
      },
    };
    return pool;
  } catch {
    return null;
  }
}
