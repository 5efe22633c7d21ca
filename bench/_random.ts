/**
 * mulberry32: a 32-bit seeded PRNG, plenty for spreading benchmark inputs and tiny enough to inline,
 * so a workload is the same on every machine and every run.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
}

/** Uniform in [0, 1) with 53 bits, from two 32-bit draws: one draw alone leaves gaps of ~20 ms over three years. */
export function uniform(next: () => number): number {
  return ((next() >>> 5) * 2 ** 26 + (next() >>> 6)) / 2 ** 53;
}

/** Uniform integer in [min, max]. */
export function integerBetween(next: () => number, min: number, max: number): number {
  return min + Math.floor(uniform(next) * (max - min + 1));
}
