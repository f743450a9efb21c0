/** Seeded randomness for reproducible shuffles, splits and augmentation. */

export { mulberry32 } from '../../../random';

/** Fisher–Yates shuffle in place with the given random source; returns the array. */
export function shuffleInPlace<A extends { length: number; [i: number]: unknown }>(items: A, rand: () => number): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}
