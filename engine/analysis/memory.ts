/**
 * The memory model (float32, 4 bytes per value), estimated before anything is allocated:
 * - inference: all weights (trainable and not) + batch × the peak of activations alive at once, walking the
 *   layers in topological order and freeing a tensor after its last consumer has run;
 * - training: weights + gradients and two Adam moments for trainable weights (4 copies of them in all) +
 *   batch × every layer's output (all kept for the backward pass) + batch × twice the largest activation
 *   (the gradient buffers in flight).
 * Framework workspace (im2col buffers, allocator slack) is not included.
 */
import { BYTES_PER_VALUE, type FlatRecord } from './evaluate';

/** Training and inference memory in bytes for this batch size. */
export function estimateMemory(records: FlatRecord[], batchSize: number): { trainingBytes: number; inferenceBytes: number } {
  let params = 0;
  let trainable = 0;
  let sum = 0;
  let max = 0;
  const index = new Map<string, number>();
  const lastUse = new Int32Array(records.length).fill(-1);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    index.set(r.node.id, i);
    params += r.trainable + r.nonTrainable;
    trainable += r.trainable;
    sum += r.activationBytes;
    if (r.activationBytes > max) max = r.activationBytes;
    for (const src of r.node.inputs) {
      const j = index.get(src);
      if (j !== undefined) lastUse[j] = i;
    }
  }
  // Tensors freed after step i, as a linked list per step (no per-step arrays).
  const head = new Int32Array(records.length).fill(-1);
  const nextFree = new Int32Array(records.length).fill(-1);
  for (let j = 0; j < records.length; j++) {
    const i = lastUse[j];
    if (i >= 0) {
      nextFree[j] = head[i];
      head[i] = j;
    }
  }
  let live = 0;
  let peak = 0;
  for (let i = 0; i < records.length; i++) {
    live += records[i].activationBytes;
    if (live > peak) peak = live;
    for (let j = head[i]; j >= 0; j = nextFree[j]) live -= records[j].activationBytes;
  }
  const weights = params * BYTES_PER_VALUE;
  return {
    inferenceBytes: weights + batchSize * peak,
    trainingBytes: weights + 3 * trainable * BYTES_PER_VALUE + batchSize * (sum + 2 * max),
  };
}
