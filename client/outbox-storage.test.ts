/**
 * The outbox's storage layout: split across keys so that no key nears WeChat's 1 MB per key
 * (wx.setStorage), whatever is pending; the layout before the split is read and rewritten.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS } from '../protocol/limits';
import { Outbox, type OutboxEntry } from './outbox';
import { MemoryStorage } from './storage';

/** WeChat's limit for the data of one storage key. */
const WECHAT_KEY_LIMIT_BYTES = 1024 * 1024;

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

function entry(i: number): OutboxEntry {
  return {
    clientId: `c-${String(i).padStart(4, '0')}-0123456789`,
    conversationId: 'support:alice',
    // The longest text there is, in 3-byte characters.
    text: '长'.repeat(MAX_TEXT_CHARS),
    createdAt: 1_700_000_000_000 + i,
    state: 'sending',
  };
}

describe('the outbox in storage', () => {
  it('keeps every key far under 1 MB with 1.2 MB of messages pending, and reads them back in order', async () => {
    // Prepare: 100 longest messages, 12 KB each.
    const storage = new MemoryStorage();
    const outbox = new Outbox(storage, 'campus-chat.outbox');

    // Act
    for (let i = 0; i < 100; i++) await outbox.add(entry(i));
    const reloaded = new Outbox(storage, 'campus-chat.outbox');
    await reloaded.load();

    // Assess
    const sizes = [...storage.values.values()].map(utf8Bytes);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(WECHAT_KEY_LIMIT_BYTES);
    expect(Math.max(...sizes)).toBeLessThan(WECHAT_KEY_LIMIT_BYTES / 32);
    expect(reloaded.all().map((e) => e.clientId)).toEqual(
      Array.from({ length: 100 }, (_, i) => entry(i).clientId),
    );
  });

  it('removes an entry’s key when it is acknowledged, leaving only the empty index', async () => {
    // Prepare
    const storage = new MemoryStorage();
    const outbox = new Outbox(storage, 'k');
    for (let i = 0; i < 3; i++) await outbox.add(entry(i));

    // Act
    for (let i = 0; i < 3; i++) await outbox.remove(entry(i).clientId);

    // Assess
    expect([...storage.values.keys()]).toEqual(['k']);
    expect(JSON.parse(storage.values.get('k') ?? '')).toEqual({ v: 2, ids: [] });
  });

  it('reads an outbox written in one key before the split and rewrites it split', async () => {
    // Prepare: the old layout, every entry in the main key.
    const storage = new MemoryStorage();
    storage.values.set('k', JSON.stringify([entry(1), entry(2)]));
    const outbox = new Outbox(storage, 'k');

    // Act
    await outbox.load();

    // Assess
    expect(outbox.all().map((e) => e.clientId)).toEqual([entry(1).clientId, entry(2).clientId]);
    expect(JSON.parse(storage.values.get('k') ?? '')).toEqual({
      v: 2,
      ids: [entry(1).clientId, entry(2).clientId],
    });
    expect(JSON.parse(storage.values.get(`k.${entry(2).clientId}`) ?? '')).toEqual(entry(2));
  });
});
