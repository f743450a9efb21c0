/**
 * Step metrics left on the device until several steps have run. On a GPU backend every `data()` drains the
 * queue (tfjs-backend-webgpu submits and waits for the copy), so reading each step's loss stalls the GPU once
 * per batch. The loop parks each step's loss and accuracy scalars here and reads them back together every
 * `every` steps, in one readback; every step still gets its own values, only later.
 *
 * States: empty → collecting (add) → due (size ≥ every) → read() → empty. dispose() frees what is still parked.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../compile/compile';

/** One step's metrics once read. */
export interface StepMetrics {
  batch: number;
  loss: number;
  accuracy: number;
  examples: number;
  learningRate: number;
  /** With several outputs: each one's loss (in head order). */
  outputLosses?: number[];
}

interface Parked {
  batch: number;
  loss: tfjs.Scalar;
  accuracy: tfjs.Scalar;
  examples: number;
  learningRate: number;
  outputs?: tfjs.Tensor1D;
}

/** How many steps the loop runs between metric readbacks: `$LAYERLOOM_READBACK_EVERY`, else 8 on webgpu, 1 elsewhere. */
export function readbackInterval(backend: string): number {
  const env = Number(process.env.LAYERLOOM_READBACK_EVERY);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 1000);
  return backend === 'webgpu' ? 8 : 1;
}

/** Parks step metrics on the device and reads them back in batches. */
export class DeferredMetrics {
  private parked: Parked[] = [];

  constructor(
    private readonly tf: Tf,
    readonly every: number,
  ) {}

  /** Steps parked and not yet read. */
  get size(): number {
    return this.parked.length;
  }

  /** Parks one step's (kept) loss, accuracy and per-output losses; true when `every` steps are parked. */
  add(batch: number, loss: tfjs.Scalar, accuracy: tfjs.Scalar, examples: number, learningRate: number, outputs?: tfjs.Tensor1D): boolean {
    this.parked.push({ batch, loss, accuracy, examples, learningRate, ...(outputs ? { outputs } : {}) });
    return this.parked.length >= this.every;
  }

  /** Reads every parked step in one readback (in step order) and frees their tensors. */
  async read(): Promise<StepMetrics[]> {
    const parked = this.parked;
    this.parked = [];
    if (parked.length === 0) return [];
    const { tf } = this;
    try {
      let values: Float32Array;
      if (parked.length === 1) {
        const [l, a] = await Promise.all([parked[0].loss.data(), parked[0].accuracy.data()]);
        values = Float32Array.of(l[0], a[0]);
      } else {
        const all = tf.stack([...parked.map((p) => p.loss), ...parked.map((p) => p.accuracy)]);
        try {
          values = (await all.data()) as Float32Array;
        } finally {
          all.dispose();
        }
      }
      // Per-output losses (designs with several Output blocks) in one more readback.
      const withOutputs = parked.filter((p) => p.outputs);
      let outputs: Float32Array | null = null;
      if (withOutputs.length > 0) {
        const all = tf.concat(withOutputs.map((p) => p.outputs!));
        try {
          outputs = (await all.data()) as Float32Array;
        } finally {
          all.dispose();
        }
      }
      let at = 0;
      return parked.map((p, i) => {
        const n = p.outputs?.size ?? 0;
        const outputLosses = p.outputs && outputs ? Array.from(outputs.subarray(at, (at += n))) : undefined;
        return { batch: p.batch, loss: values[i], accuracy: values[parked.length + i], examples: p.examples, learningRate: p.learningRate, ...(outputLosses ? { outputLosses } : {}) };
      });
    } finally {
      tf.dispose(parked.flatMap((p) => [p.loss, p.accuracy, ...(p.outputs ? [p.outputs] : [])]));
    }
  }

  /** Frees parked tensors without reading them. */
  dispose(): void {
    this.tf.dispose(this.parked.flatMap((p) => [p.loss, p.accuracy, ...(p.outputs ? [p.outputs] : [])]));
    this.parked = [];
  }
}
