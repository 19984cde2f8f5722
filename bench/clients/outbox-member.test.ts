import { describe, expect, it } from 'vitest';
import { SendRefused, type SendResult } from './delivery-tracker';
import { OutboxMember } from './outbox-member';
import type { OursRoomHandle } from './ours-room';

/** A room whose sends answer from `script` in turn (an error to throw, or an ack). */
function scriptedRoom(script: readonly (SendRefused | 'ack')[]) {
  const ids: string[] = [];
  let next = 0;
  const room: OursRoomHandle = {
    system: 'ours',
    size: 2,
    send: () => Promise.reject(new Error('not used')),
    sendWithId(_from, id) {
      ids.push(id);
      const answer = script[next++] ?? 'ack';
      if (answer === 'ack') return Promise.resolve<SendResult>({ deliveredMs: 2, ackMs: 1 });
      return Promise.reject(answer);
    },
    close: () => Promise.resolve(),
  };
  return { room, ids };
}

const busy = () => new SendRefused('send x failed: BUSY shed', 'BUSY', 'shed', 1);

describe('bench outbox member (the client outbox rules)', () => {
  it('resends a BUSY send with the same id until it is acked', async () => {
    const { room, ids } = scriptedRoom([busy(), busy(), 'ack']);
    const outcome = await new OutboxMember(room, 1, 7000, () => 0).enqueue();
    expect(outcome.acked).toBe(true);
    expect(outcome.attempts).toBe(3);
    expect(outcome.refusals.map((r) => r.reason)).toEqual(['BUSY shed', 'BUSY shed']);
    expect(new Set(ids).size).toBe(1);
    expect(ids).toHaveLength(3);
  });

  it('fails a message for good on a code the outbox does not retry', async () => {
    const forbidden = new SendRefused('send x failed: FORBIDDEN no', 'FORBIDDEN', 'no', undefined);
    const { room, ids } = scriptedRoom([forbidden]);
    const outcome = await new OutboxMember(room, 0, 7000).enqueue();
    expect(outcome).toMatchObject({ acked: false, attempts: 1 });
    expect(ids).toHaveLength(1);
  });

  it('gives up once the next retry would start past the retry budget', async () => {
    const { room, ids } = scriptedRoom([busy(), busy()]);
    const outcome = await new OutboxMember(room, 0, 0, () => 0).enqueue();
    expect(outcome.acked).toBe(false);
    expect(outcome.failure).toContain('retry budget');
    expect(ids).toHaveLength(1);
  });

  it('sends one message at a time, in the order typed', async () => {
    const { room, ids } = scriptedRoom([busy(), 'ack', 'ack']);
    const member = new OutboxMember(room, 0, 7000, () => 0);
    const [first, second] = await Promise.all([member.enqueue(), member.enqueue()]);
    expect(first?.attempts).toBe(2);
    expect(second?.attempts).toBe(1);
    // The first message's retry went out before the second message.
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });
});
