import { describe, expect, it } from 'vitest';
import { forEachConcurrently } from './fan-out';

describe('forEachConcurrently', () => {
  it('processes every item once with never more than the limit in flight', async () => {
    const items = Array.from({ length: 37 }, (_, i) => i);
    const done: number[] = [];
    let inFlight = 0;
    let peak = 0;

    await forEachConcurrently(items, 5, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(item);
      inFlight--;
    });

    expect(done.sort((a, b) => a - b)).toEqual(items);
    expect(peak).toBe(5);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await forEachConcurrently([], 5, async () => {
      calls++;
    });
    expect(calls).toBe(0);
  });
});
