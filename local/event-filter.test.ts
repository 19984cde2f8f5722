import { describe, expect, it } from 'vitest';
import { EVENT_SOURCES } from '../functions/event-sources';
import { matchesAnyFilter, matchesPattern } from './event-filter';

const insert = (conversationId: string, senderRole: string, eventName = 'INSERT') => ({
  eventName,
  dynamodb: { NewImage: { conversationId: { S: conversationId }, senderRole: { S: senderRole } } },
});

describe('Lambda filter patterns', () => {
  it('ANDs keys, ORs the values of one key, and descends into objects', () => {
    const pattern = {
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { senderRole: { S: ['admin'] } } },
    };
    expect(matchesPattern(insert('support:a', 'admin'), pattern)).toBe(true);
    expect(matchesPattern(insert('support:a', 'admin', 'MODIFY'), pattern)).toBe(true);
    expect(matchesPattern(insert('support:a', 'admin', 'REMOVE'), pattern)).toBe(false);
    expect(matchesPattern(insert('support:a', 'student'), pattern)).toBe(false);
  });

  it('implements prefix, suffix, equals-ignore-case, anything-but, exists and numeric', () => {
    const record = { s: 'support:x', n: 7, list: ['a', 'b'] };
    expect(matchesPattern(record, { s: [{ prefix: 'support:' }] })).toBe(true);
    expect(matchesPattern(record, { s: [{ prefix: 'room:' }] })).toBe(false);
    expect(matchesPattern(record, { s: [{ suffix: ':x' }] })).toBe(true);
    expect(matchesPattern(record, { s: [{ 'equals-ignore-case': 'SUPPORT:X' }] })).toBe(true);
    expect(matchesPattern(record, { s: [{ 'anything-but': ['support:x'] }] })).toBe(false);
    expect(matchesPattern(record, { s: [{ 'anything-but': { prefix: 'room:' } }] })).toBe(true);
    expect(matchesPattern(record, { s: [{ exists: true }] })).toBe(true);
    expect(matchesPattern(record, { missing: [{ exists: false }] })).toBe(true);
    expect(matchesPattern(record, { missing: [{ exists: true }] })).toBe(false);
    expect(matchesPattern(record, { missing: ['x'] })).toBe(false);
    expect(matchesPattern(record, { n: [{ numeric: ['>', 5, '<=', 7] }] })).toBe(true);
    expect(matchesPattern(record, { n: [{ numeric: ['>', 7] }] })).toBe(false);
    // A field that is an array matches when one element does.
    expect(matchesPattern(record, { list: ['b'] })).toBe(true);
    expect(matchesPattern(record, { $or: [{ s: ['no'] }, { n: [7] }] } as never)).toBe(true);
  });

  it('rejects an operator it does not implement rather than guessing', () => {
    expect(() => matchesPattern({ s: 'x' }, { s: [{ wildcard: '*x' }] })).toThrow(/unsupported/);
  });

  it('the notify mapping takes support inserts by admins and students only', () => {
    const filters = EVENT_SOURCES.find((s) => s.id === 'notify')?.filters ?? [];
    expect(matchesAnyFilter(insert('support:s', 'admin'), filters)).toBe(true);
    expect(matchesAnyFilter(insert('support:s', 'student'), filters)).toBe(true);
    expect(matchesAnyFilter(insert('room:r', 'admin'), filters)).toBe(false);
    expect(matchesAnyFilter(insert('support:s', 'admin', 'MODIFY'), filters)).toBe(false);
    // The desk's automatic reply (kind: auto) reaches no handler: it must notify nobody.
    const auto = insert('support:s', 'admin');
    auto.dynamodb.NewImage = { ...auto.dynamodb.NewImage, kind: { S: 'auto' } } as never;
    expect(matchesAnyFilter(auto, filters)).toBe(false);
    expect(filters.length).toBeLessThanOrEqual(5);
  });
});
