/** Percentiles of latency samples, computed one way for every benchmark and every compared system. */

/** The sample at percentile `p` (0–100) of `sorted`, which is in ascending order and not empty (nearest rank, no interpolation). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

/** Rounds a latency to hundredths of a millisecond for the table. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100
}
