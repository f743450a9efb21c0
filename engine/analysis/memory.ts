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
  const lastUse = new Map<string, number>();
  records.forEach((r, i) => {
    params += r.trainable + r.nonTrainable;
    trainable += r.trainable;
    sum += r.activationBytes;
    max = Math.max(max, r.activationBytes);
    for (const src of r.node.inputs) lastUse.set(src, i);
  });
  const size = new Map(records.map((r) => [r.node.id, r.activationBytes]));
  let live = 0;
  let peak = 0;
  const freeAt = new Map<number, string[]>();
  for (const [id, i] of lastUse) freeAt.set(i, [...(freeAt.get(i) ?? []), id]);
  records.forEach((r, i) => {
    live += r.activationBytes;
    peak = Math.max(peak, live);
    for (const id of freeAt.get(i) ?? []) live -= size.get(id) ?? 0;
  });
  const weights = params * BYTES_PER_VALUE;
  return {
    inferenceBytes: weights + batchSize * peak,
    trainingBytes: weights + 3 * trainable * BYTES_PER_VALUE + batchSize * (sum + 2 * max),
  };
}
