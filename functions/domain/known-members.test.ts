import { describe, expect, it } from 'vitest';
import { KnownMembers } from './known-members';

describe('KnownMembers', () => {
  it('holds a member for the ttl from the check that passed, then forgets it', () => {
    // Prepare
    const known = new KnownMembers(10_000);
    known.remember('room-a', 'u1', 1_000);

    // Act
    const within = known.has('room-a', 'u1', 10_999);
    const otherRoom = known.has('room-b', 'u1', 2_000);
    const otherUser = known.has('room-a', 'u2', 2_000);
    const after = known.has('room-a', 'u1', 11_000);

    // Assess: expired entries are dropped when looked up
    expect([within, otherRoom, otherUser, after]).toEqual([true, false, false, false]);
    expect(known.size).toBe(0);
  });

  it('keeps pairs apart whatever characters the ids hold', () => {
    // Prepare
    const known = new KnownMembers(10_000);
    known.remember('a:b', 'c', 0);

    // Act / Assess
    expect(known.has('a', 'b:c', 1)).toBe(false);
    expect(known.has('a:b', 'c', 1)).toBe(true);
  });

  it('drops what the store contradicted', () => {
    // Prepare
    const known = new KnownMembers(10_000);
    known.remember('room-a', 'u1', 0);

    // Act
    known.forget('room-a', 'u1');

    // Assess
    expect(known.has('room-a', 'u1', 1)).toBe(false);
  });

  it('stays within its bound, the least recently checked making room', () => {
    // Prepare
    const known = new KnownMembers(10_000, 3);
    known.remember('r', 'u1', 0);
    known.remember('r', 'u2', 0);
    known.remember('r', 'u3', 0);
    known.remember('r', 'u1', 1); // checked again: now the newest

    // Act
    known.remember('r', 'u4', 2);

    // Assess
    expect(known.size).toBe(3);
    expect(['u1', 'u2', 'u3', 'u4'].map((u) => known.has('r', u, 3))).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });
});
