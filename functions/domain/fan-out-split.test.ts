import { describe, expect, it } from 'vitest';
import { MAX_SLICE_SIZE, planFanOut } from './fan-out-split';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

describe('planFanOut', () => {
  it('delivers inline up to the threshold', () => {
    expect(planFanOut(ids(150), { threshold: 150, sliceSize: 100 })).toEqual({
      inline: ids(150),
      slices: [],
    });
  });

  it('above it, cuts near-equal slices, the first inline, every recipient exactly once', () => {
    for (const n of [151, 200, 499, 500, 1234]) {
      const plan = planFanOut(ids(n), { threshold: 150, sliceSize: 100 });
      const parts = [plan.inline, ...plan.slices];
      expect(parts).toHaveLength(Math.ceil(n / 100));
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
      expect(parts.flat()).toEqual(ids(n));
    }
  });

  it('refuses a slice size whose payload could exceed an async invocation', () => {
    expect(() => planFanOut(ids(10), { threshold: 1, sliceSize: MAX_SLICE_SIZE + 1 })).toThrow();
    expect(() => planFanOut(ids(10), { threshold: 1, sliceSize: 0 })).toThrow();
  });
});
