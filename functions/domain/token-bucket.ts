/**
 * In-memory token buckets keyed by string, for cheap per-connection throttling of frames that are
 * not worth a database write (typing). On AWS each Lambda instance keeps its own buckets, so the
 * limit is per instance: an upper bound on abuse, not an exact quota.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string, now: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    const refilled = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond,
    );
    if (refilled >= 1) {
      this.remember(key, { tokens: refilled - 1, at: now });
      return 0;
    }
    this.remember(key, { tokens: refilled, at: now });
    return Math.ceil(((1 - refilled) / this.perSecond) * 1000);
  }

  /** Forgets a key (its connection closed). */
  forget(key: string): void {
    this.buckets.delete(key);
  }

  private remember(key: string, bucket: { tokens: number; at: number }): void {
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    // Maps iterate in insertion order, so the first key is the least recently used.
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}
