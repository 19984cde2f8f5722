/**
 * deliver with fan-out workers (fan-out-split.ts): at or under the threshold everything is posted
 * here; above it the slices past the first are dispatched, and a refused slice is posted here,
 * so every recipient is posted by exactly one function.
 */
import { describe, expect, it } from 'vitest';
import type { ChatContext } from './chat-context';
import { deliver } from './fan-out';
import type { FanOutSlice, FanOutWorkers } from './fan-out-split';

function harness(refuse: (slice: FanOutSlice) => boolean) {
  const posted: string[] = [];
  const dispatched: FanOutSlice[] = [];
  const workers: FanOutWorkers = {
    threshold: 4,
    sliceSize: 3,
    async dispatch(slice) {
      if (refuse(slice)) throw new Error('refused');
      dispatched.push(slice);
    },
  };
  const ctx = {
    sender: {
      send: async (connectionId: string) => {
        posted.push(connectionId);
      },
    },
    config: { fanOutConcurrency: 2 },
    log: { warn: () => undefined, info: () => undefined, error: () => undefined },
    now: () => 0,
    fanOutWorkers: workers,
  } as unknown as ChatContext;
  return { ctx, posted, dispatched };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

describe('deliver with fan-out workers', () => {
  it('posts everything itself up to the threshold', async () => {
    const { ctx, posted, dispatched } = harness(() => false);
    const report = await deliver(ctx, ids(4), 'data');
    expect(posted.sort()).toEqual(ids(4).sort());
    expect(dispatched).toEqual([]);
    expect(report).toEqual({ delivered: 4, gone: 0, failed: 0, dispatched: 0 });
  });

  it('keeps the first slice and dispatches the others above it', async () => {
    const { ctx, posted, dispatched } = harness(() => false);
    const report = await deliver(ctx, ids(10), 'data');
    // ⌈10 / 3⌉ = 4 near-equal slices: 3, 3, 2, 2.
    expect(posted).toEqual(['c0', 'c1', 'c2']);
    expect(dispatched).toEqual([
      { data: 'data', connectionIds: ['c3', 'c4', 'c5'] },
      { data: 'data', connectionIds: ['c6', 'c7'] },
      { data: 'data', connectionIds: ['c8', 'c9'] },
    ]);
    expect(report).toEqual({ delivered: 3, gone: 0, failed: 0, dispatched: 7 });
  });

  it('posts a refused slice itself, every recipient exactly once', async () => {
    const { ctx, posted, dispatched } = harness((slice) => slice.connectionIds.includes('c7'));
    const report = await deliver(ctx, ids(10), 'data');
    expect([...posted, ...dispatched.flatMap((s) => s.connectionIds)].sort()).toEqual(
      ids(10).sort(),
    );
    expect(posted).toEqual(['c0', 'c1', 'c2', 'c6', 'c7']);
    expect(report).toEqual({ delivered: 5, gone: 0, failed: 0, dispatched: 5 });
  });
});
