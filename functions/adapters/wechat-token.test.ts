/**
 * The shared token service over an in-memory store with the table's conditional semantics:
 * several instances (services sharing one store) fetch once per expiry, refresh inside the
 * margin, keep using a still-valid token while another refreshes, and replace a refused token
 * with at most one forced refresh.
 */
import { describe, expect, it } from 'vitest';
import { WeChatApiError } from './wechat-errors';
import {
  createTokenService,
  type StableTokenSource,
  type TokenRecord,
  type TokenStore,
} from './wechat-token';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The table's item and its conditional writes, each answered after a turn of the event loop. */
function memoryStore() {
  let item: (TokenRecord & { leaseOwner?: string; leaseUntil?: number }) | undefined;
  const store: TokenStore = {
    async read() {
      await tick();
      return item?.accessToken ? { ...item } : undefined;
    },
    async tryLease(owner, until, now) {
      await tick();
      if (item?.leaseUntil !== undefined && item.leaseUntil >= now) return false;
      item = {
        ...(item ?? { accessToken: '', expiresAt: 0, refreshAt: 0 }),
        leaseOwner: owner,
        leaseUntil: until,
      };
      return true;
    },
    async save(record, owner) {
      await tick();
      if (item?.leaseOwner !== owner) return false;
      item = { ...record };
      return true;
    },
    async release(owner) {
      await tick();
      if (item?.leaseOwner === owner)
        item = { ...item, leaseOwner: undefined, leaseUntil: undefined };
    },
  };
  return { store, item: () => item };
}

/** WeChat's stable_token in normal and force mode, on a settable clock. */
function wechat(clock: { now: number }, lifetimeS = 7200) {
  const calls: boolean[] = [];
  let current: { value: string; expiresAt: number } | undefined;
  let n = 0;
  const source: StableTokenSource = {
    async fetch(force) {
      calls.push(force);
      await tick();
      if (force || !current || current.expiresAt - clock.now <= 5 * 60_000) {
        n += 1;
        current = { value: `token-${n}`, expiresAt: clock.now + lifetimeS * 1000 };
      }
      return {
        accessToken: current.value,
        expiresInSeconds: Math.floor((current.expiresAt - clock.now) / 1000),
      };
    },
  };
  return { source, calls };
}

describe('the shared WeChat token', () => {
  it('is fetched once for many instances starting at once, then read from the table', async () => {
    // Prepare
    const clock = { now: 1_000_000 };
    const { store } = memoryStore();
    const { source, calls } = wechat(clock);
    const instances = Array.from({ length: 8 }, (_, i) =>
      createTokenService({ store, source, now: () => clock.now, owner: `i${i}`, sleep: tick }),
    );

    // Act
    const tokens = await Promise.all(instances.flatMap((s) => [s.token(), s.token()]));
    const cold = createTokenService({ store, source, now: () => clock.now, owner: 'late' });
    const later = await cold.token();

    // Assert
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(later).toBe('token-1');
    expect(calls).toEqual([false]);
  });

  it('refreshes inside the margin before expiry, once, and not before', async () => {
    // Prepare
    const clock = { now: 0 };
    const { store } = memoryStore();
    const { source, calls } = wechat(clock);
    const a = createTokenService({ store, source, now: () => clock.now, owner: 'a', sleep: tick });
    const b = createTokenService({ store, source, now: () => clock.now, owner: 'b', sleep: tick });
    await a.token();

    // Act: 5 minutes before expiry (outside a 4-minute margin), then 3 minutes before (inside)
    clock.now = 7200_000 - 5 * 60_000;
    const early = await Promise.all([a.token(), b.token()]);
    clock.now = 7200_000 - 3 * 60_000;
    const due = await Promise.all([a.token(), b.token(), a.token(), b.token()]);

    const after = await Promise.all([a.token(), b.token()]);

    // Assert: while one refreshes, the other may still use token-1 (valid for 3 more minutes)
    expect(early).toEqual(['token-1', 'token-1']);
    expect(due).toContain('token-2');
    expect(after).toEqual(['token-2', 'token-2']);
    expect(calls).toEqual([false, false]);
  });

  it('keeps using a still-valid token while another instance holds the refresh lease', async () => {
    // Prepare: b's fetch hangs with the lease taken
    const clock = { now: 0 };
    const { store } = memoryStore();
    const { source, calls } = wechat(clock);
    const a = createTokenService({ store, source, now: () => clock.now, owner: 'a' });
    await a.token();
    clock.now = 7200_000 - 60_000;
    let release!: () => void;
    const hanging: StableTokenSource = {
      fetch: (force) =>
        new Promise((resolve) => {
          release = () => void source.fetch(force).then(resolve);
        }),
    };
    const b = createTokenService({ store, source: hanging, now: () => clock.now, owner: 'b' });
    const bToken = b.token();
    await tick();
    await tick();
    await tick();

    // Act
    const aToken = await a.token();
    release();

    // Assert
    expect(aToken).toBe('token-1');
    expect(await bToken).toBe('token-2');
    expect(calls).toEqual([false, false]);
  });

  it('replaces a refused token: a normal fetch first, one forced refresh when WeChat hands it back', async () => {
    // Prepare
    const clock = { now: 0 };
    const { store } = memoryStore();
    const { source, calls } = wechat(clock);
    const a = createTokenService({ store, source, now: () => clock.now, owner: 'a', sleep: tick });
    const b = createTokenService({ store, source, now: () => clock.now, owner: 'b', sleep: tick });
    const first = await a.token();

    // Act: both instances see the same token refused at once
    const replaced = await Promise.all([a.refresh(first), b.refresh(first)]);

    // Assert
    expect(replaced).toEqual(['token-2', 'token-2']);
    expect(calls).toEqual([false, false, true]);
    expect(await b.token()).toBe('token-2');
  });

  it('uses a token another instance already stored instead of refreshing again', async () => {
    // Prepare
    const clock = { now: 0 };
    const { store } = memoryStore();
    const { source, calls } = wechat(clock);
    const a = createTokenService({ store, source, now: () => clock.now, owner: 'a', sleep: tick });
    const b = createTokenService({ store, source, now: () => clock.now, owner: 'b', sleep: tick });
    const first = await a.token();
    await b.token();
    await a.refresh(first);

    // Act
    const fromB = await b.refresh(first);

    // Assert
    expect(fromB).toBe('token-2');
    expect(calls).toEqual([false, false, true]);
  });

  it('never reuses a token for less than 30 s, whatever expires_in says (no fetch loop)', async () => {
    // Prepare: WeChat answers a token with 60 s left, inside any margin
    const clock = { now: 0 };
    const { store } = memoryStore();
    const calls: number[] = [];
    const source: StableTokenSource = {
      fetch: async () => {
        calls.push(clock.now);
        return { accessToken: 'short', expiresInSeconds: 60 };
      },
    };
    const a = createTokenService({ store, source, now: () => clock.now, owner: 'a' });

    // Act
    await a.token();
    clock.now = 29_000;
    await a.token();
    clock.now = 31_000;
    await a.token();

    // Assert
    expect(calls).toEqual([0, 31_000]);
  });

  it('drops the lease after a failed fetch, so the next call tries again at once', async () => {
    // Prepare
    const clock = { now: 0 };
    const { store, item } = memoryStore();
    let fail = true;
    const source: StableTokenSource = {
      fetch: async () => {
        if (fail) throw new WeChatApiError('unavailable', 'cgi-bin/stable_token', -1);
        return { accessToken: 'ok', expiresInSeconds: 7200 };
      },
    };
    const a = createTokenService({ store, source, now: () => clock.now, owner: 'a' });

    // Act
    const failed = await a.token().catch((error: unknown) => error);
    fail = false;
    const next = await a.token();

    // Assert
    expect(failed).toBeInstanceOf(WeChatApiError);
    expect((failed as WeChatApiError).reason).toBe('unavailable');
    expect(next).toBe('ok');
    expect(item()?.leaseOwner).toBeUndefined();
  });

  it('gives up with `unavailable` when another instance holds the lease and there is no token', async () => {
    // Prepare
    const clock = { now: 0 };
    const { store } = memoryStore();
    await store.tryLease('stuck', 60_000, 0);
    const { source, calls } = wechat(clock);
    const a = createTokenService({
      store,
      source,
      now: () => clock.now,
      owner: 'a',
      sleep: tick,
      polls: 3,
    });

    // Act
    const error = await a.token().catch((e: unknown) => e);

    // Assert
    expect((error as WeChatApiError).reason).toBe('unavailable');
    expect(calls).toEqual([]);
  });
});
