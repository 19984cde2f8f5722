import { describe, expect, it } from 'vitest';
import { SendLimitMemory } from './send-limits';

describe('SendLimitMemory', () => {
  it('refuses a sender until the window DynamoDB reported full has ended', () => {
    // Prepare
    const memory = new SendLimitMemory();
    // Act
    memory.limited('alice', 10_000);
    // Assess
    expect(memory.wait('alice', 4000)).toBe(6000);
    expect(memory.wait('bob', 4000)).toBe(0);
    expect(memory.wait('alice', 10_000)).toBe(0);
    expect(memory.wait('alice', 4000)).toBe(0);
  });

  it('keeps a bounded number of senders, forgetting the oldest', () => {
    // Prepare
    const memory = new SendLimitMemory(2);
    // Act
    memory.limited('a', 100);
    memory.limited('b', 100);
    memory.limited('c', 100);
    // Assess
    expect([memory.wait('a', 0), memory.wait('b', 0), memory.wait('c', 0)]).toEqual([0, 100, 100]);
  });
});
