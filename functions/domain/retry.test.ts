import { describe, expect, it } from 'vitest';
import { ForbiddenError } from './errors';
import { invocationBudget, retryWithin } from './retry';

/** A clock that sleeping moves forward, so the budget is spent without waiting. */
function fakeTime(start = 1000) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

describe('retryWithin', () => {
  it('retries transient failures until the work succeeds', async () => {
    // Prepare
    const time = fakeTime();
    let calls = 0;
    const work = async () => {
      calls++;
      if (calls < 4) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return 'done';
    };
    // Act
    const result = await retryWithin(
      { deadline: 10_000, now: time.now },
      work,
      time.sleep,
      () => 1,
    );
    // Assess: full jitter with the ceiling doubling from 50 ms.
    expect(result).toBe('done');
    expect(calls).toBe(4);
    expect(time.slept).toEqual([50, 100, 200]);
  });

  it('gives up with the last failure once the next attempt would start past the deadline', async () => {
    // Prepare
    const time = fakeTime(0);
    let calls = 0;
    const work = async () => {
      calls++;
      throw new Error(`failure ${calls}`);
    };
    // Act
    const attempt = retryWithin({ deadline: 3000, now: time.now }, work, time.sleep, () => 1);
    // Assess: 50+100+200+400+800+1000 = 2550 ms of waits fit, the next 1000 ms does not.
    await expect(attempt).rejects.toThrow('failure 7');
    expect(time.now()).toBeLessThan(3000);
  });

  it('never retries a ChatError: it is an answer, not a failure', async () => {
    // Prepare
    let calls = 0;
    const work = async () => {
      calls++;
      throw new ForbiddenError('no');
    };
    // Act
    const attempt = retryWithin({ deadline: Date.now() + 10_000, now: Date.now }, work);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(calls).toBe(1);
  });

  it('leaves a margin before the invocation deadline', () => {
    expect(invocationBudget(() => 5000, 10_000).deadline).toBe(14_000);
    // Without a Lambda context: the functions' 10 s timeout.
    expect(invocationBudget(() => 5000).deadline).toBe(14_000);
  });
});
