/**
 * CallerCache: what a connection's first frame reads, and how long what it learnt is kept — the
 * bound of docs/protocol.md "When rights end" counts from the change, so an entry built from the
 * $connect's reads must end `identityCacheMs` after the connect, not after the frame.
 */
import { describe, expect, it } from 'vitest';
import type { ChatContext } from '../domain/chat-context';
import type { ConnectionRecord, UserRecord } from '../domain/ports';
import type { StaffRecord } from '../domain/staff-ports';
import { CallerCache } from './caller-cache';

const BOUND_MS = 1000;
const CONNECTED_AT = 1_000_000;

/** Stores that log each read and answer from `state`, which the test edits; `now` is its clock. */
function world(role: 'admin' | 'student') {
  const state = {
    now: CONNECTED_AT,
    reads: [] as string[],
    blocked: false,
    staff: role === 'admin',
    connectedAt: CONNECTED_AT,
  };
  const record = (): ConnectionRecord => ({
    connectionId: 'c-1',
    userId: 'u-1',
    name: 'Wang',
    role,
    connectedAt: state.connectedAt,
    topics: [],
  });
  const user = (): UserRecord => ({
    userId: 'u-1',
    name: 'Wang',
    role,
    blocked: state.blocked,
    createdAt: 0,
    lastLoginAt: 0,
  });
  const staffRecord = (): StaffRecord => ({
    userId: 'u-1',
    name: 'Wang',
    role: 'staff',
    status: 'active',
    addedBy: 'ADMINS',
    addedAt: 0,
  });
  /** Resolves on a later turn, as a request does: reads issued together overlap. */
  const read = async <T>(name: string, value: () => T): Promise<T> => {
    state.reads.push(`start ${name}`);
    await new Promise((resolve) => setImmediate(resolve));
    state.reads.push(`end ${name}`);
    return value();
  };
  const ctx = {
    now: () => state.now,
    connections: { lookup: () => read('connection', record) },
    users: { get: () => read('user', user) },
  } as unknown as ChatContext;
  const staff = {
    member: () => read('staff', () => (state.staff ? staffRecord() : undefined)),
  };
  const cache = new CallerCache({ identityCacheMs: BOUND_MS }, staff);
  return { state, identify: () => cache.identify(ctx, 'c-1') };
}

describe('CallerCache', () => {
  it("trusts a young connection's $connect reads: its first frame reads only the record", async () => {
    // Prepare
    const { state, identify } = world('admin');
    state.now = CONNECTED_AT + 400;

    // Act
    const caller = await identify();

    // Assess
    expect(caller).toMatchObject({ userId: 'u-1', role: 'admin' });
    expect(state.reads).toEqual(['start connection', 'end connection']);
  });

  it('ends that trust the bound after the connect, however late the first frame came', async () => {
    // Prepare: the user is blocked just after the connect; the first frame comes late in the bound.
    const { state, identify } = world('student');
    state.blocked = true;
    state.now = CONNECTED_AT + 900;
    const first = await identify();

    // Act: just before and just past the bound since the connect.
    state.now = CONNECTED_AT + BOUND_MS - 1;
    const within = await identify();
    state.now = CONNECTED_AT + BOUND_MS + 1;
    const past = await identify();

    // Assess: served within the bound (as documented), refused past it — not kept a bound after
    // the first frame (that would serve the blocked user until CONNECTED_AT + 1900).
    expect(first).toMatchObject({ userId: 'u-1' });
    expect(within).toMatchObject({ userId: 'u-1' });
    expect(past).toBe('revoked');
  });

  it('ends a demoted admin the same way', async () => {
    // Prepare
    const { state, identify } = world('admin');
    state.staff = false;
    state.now = CONNECTED_AT + 100;
    const first = await identify();

    // Act
    state.now = CONNECTED_AT + BOUND_MS;
    const past = await identify();

    // Assess
    expect(first).toMatchObject({ role: 'admin' });
    expect(past).toBe('revoked');
  });

  it('keeps that trust no longer than the bound from now when connectedAt is ahead of this clock', async () => {
    // Prepare: the instance that served $connect wrote a time 5 s ahead of this one's.
    const { state, identify } = world('student');
    state.connectedAt = CONNECTED_AT + 5000;
    await identify();
    state.blocked = true;

    // Act: a bound later by this instance's clock (still before connectedAt).
    state.now = CONNECTED_AT + BOUND_MS + 1;
    const later = await identify();

    // Assess
    expect(later).toBe('revoked');
  });

  it("reads an older connection's staff item and user record at once, after its record", async () => {
    // Prepare: the connection opened before the bound (another instance served it until now).
    const { state, identify } = world('student');
    state.now = CONNECTED_AT + BOUND_MS + 5000;

    // Act
    const caller = await identify();

    // Assess: one round trip for both, not one each.
    expect(caller).toMatchObject({ userId: 'u-1', role: 'student' });
    expect(state.reads).toEqual([
      'start connection',
      'end connection',
      'start staff',
      'start user',
      'end staff',
      'end user',
    ]);
  });

  it('refreshes a cached caller with one round trip of record, user and staff item', async () => {
    // Prepare: cached by a first frame, then the bound passes and the user is blocked.
    const { state, identify } = world('student');
    state.now = CONNECTED_AT + 10;
    await identify();
    state.reads.length = 0;
    state.blocked = true;

    // Act
    state.now = CONNECTED_AT + BOUND_MS + 10;
    const refreshed = await identify();

    // Assess
    expect(refreshed).toBe('revoked');
    expect(state.reads.slice(0, 3)).toEqual(['start connection', 'start user', 'start staff']);
  });
});
