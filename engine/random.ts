/** Seeded randomness shared by the core (fresh export weights) and the Node side (shuffles, splits, augmentation). */

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). The same sequence on every run and machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
