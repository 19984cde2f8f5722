import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows a burst, then one per refill interval, and says how long to wait', () => {
    const buckets = new TokenBuckets(3, 2);

    const burst = [0, 0, 0].map(() => buckets.take('c1', 1000));
    const fourth = buckets.take('c1', 1000);
    const afterHalfSecond = buckets.take('c1', 1500);

    expect(burst).toEqual([0, 0, 0]);
    expect(fourth).toBe(500);
    expect(afterHalfSecond).toBe(0);
    expect(buckets.take('c2', 1000)).toBe(0);
  });

  it('forgets the least recently used key when full, which then starts with a full bucket', () => {
    const buckets = new TokenBuckets(1, 1, 2);
    buckets.take('a', 0);
    buckets.take('b', 0);

    buckets.take('c', 0);

    expect(buckets.take('a', 0)).toBe(0);
    expect(buckets.take('c', 0)).toBeGreaterThan(0);
  });
});
