/**
 * Exponential backoff with full jitter: the delay is uniformly random between 0 and
 * `min(cap, base * 2^attempt)`. Jitter spreads the reconnects of many phones that lost the same
 * network at the same moment, so they do not return in one burst.
 */
export function fullJitterDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** The upper bound of the delay for an attempt (for documentation and tests). */
export function backoffCeiling(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
}
