// A small seeded PRNG and a weighted choice: random test plans that a printed seed replays.

/** mulberry32. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** One of `weighted` ([weight, value] pairs), chosen in proportion to the weights. */
export function pick<T>(random: () => number, weighted: Array<[number, T]>): T {
  let r = random() * weighted.reduce((sum, [weight]) => sum + weight, 0);
  for (const [weight, value] of weighted) if ((r -= weight) < 0) return value;
  return weighted.at(-1)![1];
}
