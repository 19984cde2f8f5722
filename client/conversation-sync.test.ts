/**
 * Resync through the ChatClient against the fake transport and server: the newest page on open,
 * gap-triggered sync, catch-up after a reconnect, paging backwards, deduplication; typing and read
 * marks.
 */
import { describe, expect, it } from 'vitest';
import { SEQ_HOLE_RECHECK_MS } from '../protocol/limits';
import { MAX_SYNC_RETRIES, syncRetryDelay } from './conversation-sync';
import { DEFAULT_POLICY } from './policy';
import { harness } from './testing/harness';

const SUPPORT = 'support:alice';

async function started(h: ReturnType<typeof harness>): Promise<void> {
  await h.client.start();
  await h.clock.advance(0);
}

function seqs(h: ReturnType<typeof harness>): number[] {
  return h.client.view(SUPPORT).messages.map((m) => m.seq);
}

describe('resync', () => {
  it('opens a conversation at its newest page and loads older pages on demand', async () => {
    // Prepare
    const h = harness();
    for (let i = 1; i <= 120; i++) h.server.deliver(SUPPORT, `m${i}`, false);
    await started(h);

    // Act
    await h.client.open(SUPPORT);
    const first = seqs(h);
    const hadOlder = h.client.view(SUPPORT).hasOlder;
    const loaded = await h.client.loadOlder(SUPPORT);
    const loadedLast = await h.client.loadOlder(SUPPORT);

    // Assess
    expect(first).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    expect(hadOlder).toBe(true);
    expect([loaded, loadedLast]).toEqual([50, 20]);
    expect(seqs(h)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(h.client.view(SUPPORT).hasOlder).toBe(false);
    const syncs = h.transport.last.framesOf('sync');
    expect(syncs[0]).toMatchObject({ before: Number.MAX_SAFE_INTEGER, limit: 50 });
    expect(syncs.at(-1)).toMatchObject({ before: 21, limit: 50 });
  });

  it('fills a gap when a message arrives beyond the last seq held', async () => {
    // Prepare
    const h = harness();
    for (let i = 1; i <= 3; i++) h.server.deliver(SUPPORT, `m${i}`, false);
    await started(h);
    await h.client.open(SUPPORT);

    // Act: 4 and 5 are stored but their pushes are lost; 6 arrives.
    h.server.deliver(SUPPORT, 'm4', false);
    h.server.deliver(SUPPORT, 'm5', false);
    h.server.deliver(SUPPORT, 'm6', true);
    await h.clock.advance(0);

    // Assess
    expect(seqs(h)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(h.transport.last.framesOf('sync').at(-1)).toMatchObject({ after: 3 });
  });

  it('asks again after SEQ_HOLE_RECHECK_MS while a room seq is a hole, and shows nothing for its filler', async () => {
    // Prepare: seq 2 was taken by a send that died; 3 arrives while 2 is still a hole.
    const h = harness();
    h.server.deliver(SUPPORT, 'm1', false);
    await started(h);
    await h.client.open(SUPPORT);
    const reported: number[] = [];
    h.client.on('message', (m) => reported.push(m.seq));
    h.server.reserveHole(SUPPORT);
    h.server.deliver(SUPPORT, 'm3', true);
    await h.clock.advance(0);
    const syncsWhileHole = h.transport.last.framesOf('sync').length;

    // Act: the server fills the hole; the client's re-check comes; then 4 arrives.
    h.server.fillHoles();
    await h.clock.advance(SEQ_HOLE_RECHECK_MS);
    await h.clock.advance(0);
    const recheck = h.transport.last.framesOf('sync').slice(syncsWhileHole);
    h.server.deliver(SUPPORT, 'm4', true);
    await h.clock.advance(0);

    // Assess: one re-check after 1 filled the hole (4 then needs no sync); the filler is held for
    // its seq but neither shown nor reported.
    expect(recheck).toMatchObject([{ after: 1 }]);
    expect(h.transport.last.framesOf('sync').length).toBe(syncsWhileHole + 1);
    expect(seqs(h)).toEqual([1, 3, 4]);
    expect(reported).toEqual([3, 4]);
  });

  it('catches up after a reconnect with everything missed, in pages, once each', async () => {
    // Prepare
    const h = harness();
    h.server.deliver(SUPPORT, 'before', false);
    await started(h);
    await h.client.open(SUPPORT);
    const newMessages: number[] = [];
    h.client.on('message', (m) => newMessages.push(m.seq));

    // Act: 450 messages while the socket is down.
    h.transport.last.end(1006);
    for (let i = 0; i < 450; i++) h.server.deliver(SUPPORT, `missed ${i}`, false);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(0);
    // A late duplicate push changes nothing.
    h.transport.last.receive({ type: 'message', message: h.server.messages(SUPPORT)[10] });
    await h.clock.advance(0);

    // Assess
    expect(seqs(h)).toEqual(Array.from({ length: 451 }, (_, i) => i + 1));
    expect(newMessages).toEqual(Array.from({ length: 450 }, (_, i) => i + 2));
    // The first page after the reconnect starts at the messages held (it re-reads them for
    // tombstones of recalls missed meanwhile), then pages on.
    const syncs = h.transport.last.framesOf('sync').map((f) => f.after);
    expect(syncs).toEqual([0, 200, 400]);
  });

  it('stops a catch-up whose conversation was closed while its request was out', async () => {
    // Prepare: an open conversation whose sync replies are lost from now on.
    const h = harness();
    h.server.deliver(SUPPORT, 'm1', false);
    await started(h);
    await h.client.open(SUPPORT);
    const before = h.transport.last.framesOf('sync').length;
    h.server.intercept = (frame) => (frame.action === 'sync' ? 'noReply' : undefined);
    const added: number[] = [];
    h.client.on('message', (m) => added.push(m.seq));

    // Act: a gap starts a catch-up; the page closes the conversation before the reply.
    h.server.deliver(SUPPORT, 'm2', false);
    h.server.deliver(SUPPORT, 'm3', true);
    await h.clock.advance(0);
    h.client.close(SUPPORT);
    await h.clock.advance(DEFAULT_POLICY.requestTimeoutMs);
    await h.clock.advance(60_000);

    // Assess: the push that arrived while open, and the one catch-up request, never retried for
    // a conversation nobody shows.
    expect(h.transport.last.framesOf('sync').length - before).toBe(1);
    expect(added).toEqual([3]);
  });

  it('reports a conversation the user may not read and stops syncing it', async () => {
    // Prepare
    const h = harness();
    await started(h);
    h.server.intercept = (frame) =>
      frame.action === 'sync'
        ? { type: 'error', id: frame.id, code: 'FORBIDDEN', message: 'not a member' }
        : undefined;
    const errors: string[] = [];
    h.client.on('error', (e) => errors.push(`${e.kind}:${e.conversationId}`));

    // Act
    await h.client.open('room:secret');
    h.transport.last.end(1006);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(0);

    // Assess
    expect(errors).toEqual(['sync:room:secret']);
    expect(h.transport.last.framesOf('sync')).toEqual([]);
  });
});

describe('a sync the server keeps failing', () => {
  it('retries with growing waits a bounded number of times, then waits for the next connect', async () => {
    // Prepare: every sync answers INTERNAL (as a reply too large for the socket used to).
    const h = harness();
    for (let i = 1; i <= 3; i++) h.server.deliver(SUPPORT, `m${i}`, false);
    await started(h);
    let failing = true;
    h.server.intercept = (frame) =>
      failing && frame.action === 'sync'
        ? { type: 'error', id: frame.id, code: 'INTERNAL', message: 'retry' }
        : undefined;

    // Act: an hour online with the conversation open.
    await h.client.open(SUPPORT);
    for (let minute = 0; minute < 60; minute++) await h.clock.advance(60_000);
    const attempts = h.transport.last.framesOf('sync').length;
    // The server recovers; the next connection catches up.
    failing = false;
    h.transport.last.end(1006);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(0);

    // Assess: the first try and MAX_SYNC_RETRIES retries, not one every 2 s for an hour.
    expect(attempts).toBe(1 + MAX_SYNC_RETRIES);
    expect(seqs(h)).toEqual([1, 2, 3]);
  });

  it('waits twice as long before each retry, up to a cap', () => {
    expect([0, 1, 2, 3, 10].map(syncRetryDelay)).toEqual([2000, 4000, 8000, 16_000, 60_000]);
  });
});

describe('typing and read marks', () => {
  it('shows who is typing and forgets it after a few seconds without a refresh', async () => {
    // Prepare
    const h = harness();
    await started(h);
    await h.client.open(SUPPORT);
    const events: number[] = [];
    h.client.on('typing', (e) => events.push(e.users.length));

    // Act
    h.transport.last.receive({
      type: 'typing',
      conversationId: SUPPORT,
      userId: 'admin',
      name: 'Desk',
      typing: true,
    });
    await h.clock.advance(0);
    const shown = h.client.view(SUPPORT).typing;
    await h.clock.advance(6000);

    // Assess
    expect(shown).toEqual([{ userId: 'admin', name: 'Desk' }]);
    expect(h.client.view(SUPPORT).typing).toEqual([]);
    expect(events).toEqual([1, 0]);
  });

  it('throttles outgoing typing and sends typing:false after a pause', async () => {
    // Prepare
    const h = harness();
    await started(h);

    // Act: a keystroke every 500 ms for 4 s, then nothing.
    for (let i = 0; i < 8; i++) {
      h.client.setTyping(SUPPORT, true);
      await h.clock.advance(500);
    }
    await h.clock.advance(5000);

    // Assess
    const typing = h.transport.last.framesOf('typing').map((f) => f.typing);
    expect(typing).toEqual([true, true, false]);
  });

  it('sends read marks when connected, remembers them while offline, and records others', async () => {
    // Prepare
    const h = harness();
    await started(h);
    await h.client.open(SUPPORT);

    // Act
    h.client.markRead(SUPPORT, 3);
    h.client.markRead(SUPPORT, 2);
    h.client.setNetworkAvailable(false);
    h.client.markRead(SUPPORT, 5);
    h.client.setNetworkAvailable(true);
    await h.clock.advance(0);
    h.transport.last.receive({ type: 'read', conversationId: SUPPORT, userId: 'admin', seq: 5 });

    // Assess
    const sent = h.transport.sockets.flatMap((s) => s.framesOf('read').map((f) => f.seq));
    expect(sent).toEqual([3, 5]);
    expect(h.client.view(SUPPORT).readers.get('admin')).toBe(5);
  });
});
