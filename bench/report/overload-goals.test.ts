import { describe, expect, it } from 'vitest';
import { leastLastWaitSeconds } from './overload-goals';

describe('leastLastWaitSeconds', () => {
  it('is how long serving every message at the peak outlasts typing them', () => {
    // 3× of 68 msg/s for 6 s against a peak of 85.8: 14.3 s to ack, typed in 6 s.
    expect(leastLastWaitSeconds({ sent: 1224, offeredRate: 204 }, 85.8)).toBeCloseTo(8.27, 2);
    expect(leastLastWaitSeconds({ sent: 816, offeredRate: 136 }, 85.8)).toBeCloseTo(3.51, 2);
  });

  it('is zero when the peak keeps up with the offered rate, and unknown without a peak', () => {
    expect(leastLastWaitSeconds({ sent: 408, offeredRate: 68 }, 85.8)).toBe(0);
    expect(leastLastWaitSeconds({ sent: 408, offeredRate: 68 }, 0)).toBeNaN();
  });
});
