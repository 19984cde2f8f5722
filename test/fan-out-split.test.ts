/**
 * Split fan-out against the local stack (functions/domain/fan-out-split.ts): with a small
 * threshold, a room message is dispatched in slices to the fan-out worker through Lambda's Invoke
 * API (local/lambda-invoke.ts counts the invocations), and every member gets it exactly once; when
 * the Invoke API refuses, the sending function posts the refused slices itself, still exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame, nextId } from './support/chat-client';
import { startTestStack } from './support/test-stack';

// 12 members: a message has 11 recipients, over the threshold, cut into ⌈11 / 3⌉ = 4 slices (the
// sender's function posts the first, three go to workers).
const THRESHOLD = 4;
const SLICE_SIZE = 3;
const STUDENTS = 11;
const WORKER_SLICES_PER_MESSAGE = 3;

let stack: LocalStack;
let admin: ChatTestClient;
let students: ChatTestClient[];
let roomId: string;

beforeAll(async () => {
  stack = await startTestStack({
    console: false,
    streams: false,
    env: { FAN_OUT_SPLIT_THRESHOLD: String(THRESHOLD), FAN_OUT_SLICE_SIZE: String(SLICE_SIZE) },
  });
  admin = await connectAs(stack, 'admin');
  const room = await admin.request({ action: 'createroom', title: 'Big lecture hall' });
  roomId = (room.conversation as Frame).id as string;
  students = [];
  for (let i = 0; i < STUDENTS; i++) {
    const student = await connectAs(stack, `split-${i}`);
    await student.request({ action: 'join', conversationId: roomId });
    students.push(student);
  }
  // The joins' presence notices are split too (sent after the join's answer): once everyone has
  // the last one, let their workers finish before counting.
  const last = `split-${STUDENTS - 1}`;
  await Promise.all(
    [admin, ...students.slice(0, -1)].map((c) =>
      c.next((f) => f.type === 'presence' && f.userId === last && f.event === 'joined'),
    ),
  );
  await stack.lambda.idle();
}, 60_000);

afterAll(async () => {
  for (const c of [admin, ...students]) await c?.close();
  await stack?.stop();
});

/** Sends `text` to the room as `from` and resolves with the stored message's seq. */
async function send(from: ChatTestClient, text: string): Promise<number> {
  const reply = await from.requestHonouringBusy({
    action: 'sendmessage',
    id: nextId('m'),
    conversationId: roomId,
    text,
  });
  expect(reply.type).toBe('ack');
  return (reply.message as Frame).seq as number;
}

/**
 * Waits until each of `clients` has the seqs expected of it (same index), then until every worker invocation has finished
 * and each socket has carried a pong sent after it (frames posted earlier arrive before it), so a
 * late duplicate would be counted.
 */
async function receivedBy(
  clients: ChatTestClient[],
  expected: number[][],
  seqs: number[],
): Promise<number[][]> {
  const seqsOf = (c: ChatTestClient) =>
    c.messages(roomId).map((f) => (f.message as Frame).seq as number);
  await Promise.all(
    clients.map((c, i) => {
      const wanted = expected[i] ?? [];
      return c.next(() => wanted.every((s) => seqsOf(c).includes(s)), 15_000, `seqs ${wanted}`);
    }),
  );
  await stack.lambda.idle();
  await Promise.all(
    clients.map(async (c) => {
      // The gateway answers ping itself, with a fixed frame: the next pong is this one's.
      const pong = c.waitNew((f) => f.type === 'pong');
      c.send({ action: 'ping' });
      await pong;
    }),
  );
  return clients.map((c) => seqsOf(c).filter((s) => seqs.includes(s)));
}

describe('split fan-out', () => {
  it('hands slices of a large room message to fan-out workers; every member gets it once', async () => {
    // Prepare
    const before = stack.lambda.invocations('fanOutWorker');

    // Act
    const first = await send(admin, 'one');
    const second = await send(students[0] as ChatTestClient, 'two');
    // Each member has each message once, except its sender, who has its ack instead.
    const expected = [[second], [first], ...students.slice(1).map(() => [first, second])];
    const seen = await receivedBy([admin, ...students], expected, [first, second]);

    // Assess: two messages, three worker slices each, every member's messages exactly once.
    expect(stack.lambda.invocations('fanOutWorker') - before).toBe(2 * WORKER_SLICES_PER_MESSAGE);
    expect(seen.map((got) => got.sort((a, b) => a - b))).toEqual(expected);
  });

  it.each([500, 429] as const)(
    'posts every slice itself when the Invoke API refuses with %i, still once each',
    async (status) => {
      // Prepare
      const before = stack.lambda.invocations('fanOutWorker');
      stack.lambda.refuse(status);
      try {
        // Act
        const seq = await send(admin, `refused ${status}`);
        const seen = await receivedBy(
          students,
          students.map(() => [seq]),
          [seq],
        );

        // Assess: no worker ran, and every student has the message exactly once.
        expect(stack.lambda.invocations('fanOutWorker') - before).toBe(0);
        for (const got of seen) expect(got).toEqual([seq]);
      } finally {
        stack.lambda.refuse(undefined);
      }
    },
  );
});
