/**
 * Property-based fuzzing of the frames a hostile or broken client can send: arbitrary JSON,
 * known actions with ill-typed fields, truncated and deeply nested frames, unicode edge cases,
 * frames near the size limit. Every frame must get a well-formed protocol reply, the connection
 * must survive, and no stored data may change. fast-check prints the seed of a failing run;
 * `FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts` replays it.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../protocol/limits';
import { ServerFrame } from '../protocol/server-frames';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from './support/chat-client';
import { startTestStack } from './support/test-stack';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const runs = Number(process.env.FUZZ_RUNS ?? 120);

let stack: LocalStack;
let fuzzer: ChatTestClient;
let db: DynamoDBClient;
let roomNotJoined: string;

beforeAll(async () => {
  stack = await startTestStack({
    // Throttles answer RATE_LIMITED, which is fine, but let the fuzzer reach the handlers' checks.
    env: {
      TYPING_BURST: '100000',
      FRAME_BURST: '100000',
      FRAME_PER_SECOND: '100000',
      SEND_RATE_LIMIT: '100000',
      MESSAGE_BURST: '100000',
      MESSAGE_PER_SECOND: '100000',
    },
  });
  db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint });
  const victim = await connectAs(stack, 'victim');
  await victim.request({ action: 'sendmessage', conversationId: 'support:victim', text: 'mine' });
  await victim.close();
  const admin = await connectAs(stack, 'admin');
  const room = await admin.request({ action: 'createroom', title: 'Not yours' });
  roomNotJoined = (room.conversation as Frame).id as string;
  await admin.request({ action: 'sendmessage', conversationId: roomNotJoined, text: 'hello' });
  await admin.close();
  // The fuzzer is a student with nothing of its own to write to: no frame may change any data.
  fuzzer = await connectAs(stack, 'fuzzer');
});

afterAll(async () => {
  await fuzzer.close();
  db.destroy();
  await stack.stop();
});

/** Everything users have written (connection state excluded), for before/after comparison. */
async function storedData(): Promise<string> {
  const tables = ['conversations', 'members', 'messages', 'idempotency', 'moderation'] as const;
  const dumps = await Promise.all(
    tables.map(async (t) => {
      const { Items = [] } = await db.send(new ScanCommand({ TableName: stack.tables[t] }));
      return Items.map((item) => JSON.stringify(item)).sort();
    }),
  );
  return JSON.stringify(dumps);
}

const edgeStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ufeff',
  '\u200b\u200c\u200d',
  '\u202e\u05e9\u05dc\u05d5\u05dd\u202c',
  '😀'.repeat(4000),
  `${'😀'.repeat(3999)}a`,
  `${'😀'.repeat(4000)}a`,
  'a'.repeat(4001),
  '<img src=x onerror=alert(1)>',
  '\ud800',
  'a\udc00b',
  '😀\ud83d',
  '{"action":"sendmessage"}',
  '%00',
  'support:',
  'room:',
);
const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 50 }), edgeStrings);
const anyValue = fc.oneof(
  anyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A conversation the fuzzer may not write to (or that does not exist). */
const notWritable = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom('support:victim', roomNotJoined, 'room:nope', 'lobby', 'support:admin'),
    anyValue,
  );

const knownAction = fc.constantFrom(
  'conversations',
  'sendmessage',
  'sync',
  'typing',
  'read',
  'createroom',
  'leave',
  'rooms',
  'ping',
  'recall',
  'remove',
  'report',
  'reports',
  'dismissreport',
);

/** Frames with a real action and fields of any type. (`join` is separate: it may change data.) */
const actionFrames = (): fc.Arbitrary<string> =>
  fc
    .record(
      {
        action: knownAction,
        id: anyValue,
        conversationId: notWritable(),
        text: anyValue,
        after: anyValue,
        before: anyValue,
        limit: anyValue,
        seq: anyValue,
        typing: anyValue,
        title: anyValue,
        cursor: anyValue,
        reason: fc.oneof(fc.constantFrom('spam', 'abuse', 'illegal', 'other'), anyValue),
        reportId: anyValue,
        senderId: fc.constant('admin'),
        role: fc.constant('admin'),
      },
      { requiredKeys: ['action'] },
    )
    .map((frame) => JSON.stringify(frame));

const rawFrames = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.jsonValue().map((j) => JSON.stringify(j) ?? 'null'),
    fc.string({ unit: 'binary', maxLength: 200 }),
    // Truncated and deeply nested JSON.
    fc
      .tuple(actionFrames(), fc.nat())
      .map(([frame, cut]) => frame.slice(0, cut % Math.max(1, frame.length))),
    fc.integer({ min: 1, max: 16_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    fc
      .integer({ min: 1, max: 3_000 })
      .map((depth) => `${'{"action":'.repeat(depth)}"sync"${'}'.repeat(depth)}`),
    // Lone surrogates as JSON escapes, which JSON.parse turns into unpaired code units.
    fc
      .constantFrom('\\ud800', '\\udfff', '\\ud83d', 'a\\udc00b')
      .map(
        (s) => `{"action":"sendmessage","id":"s","conversationId":"support:victim","text":"${s}"}`,
      ),
    // Close to API Gateway's 32 KB frame limit (each frame is one WebSocket frame), under and over.
    fc.integer({ min: 24_000, max: 33_000 }).map((n) =>
      JSON.stringify({
        action: 'sendmessage',
        id: 'big',
        conversationId: 'x',
        text: 'y'.repeat(n),
      }),
    ),
  );

async function replyTo(frame: string): Promise<Frame> {
  const reply = fuzzer.waitNew(() => true, 10_000, `a reply to ${frame.slice(0, 80)}`);
  fuzzer.send(frame);
  return reply;
}

function assertWellFormed(reply: Frame, frame: string): void {
  const parsed = v.safeParse(ServerFrame, reply);
  expect(
    parsed.success,
    `reply ${JSON.stringify(reply).slice(0, 200)} to ${frame.slice(0, 120)}`,
  ).toBe(true);
}

describe('fuzzed frames', () => {
  it('always get a well-formed reply, keep the connection, and change no stored data', async () => {
    const before = await storedData();

    for (const arbitrary of [actionFrames(), rawFrames()]) {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (frame) => {
          // A larger frame closes the connection with 1009, as on API Gateway (test/gateway.test.ts).
          if (Buffer.byteLength(frame) > MAX_FRAME_BYTES) return;
          const reply = await replyTo(frame);
          assertWellFormed(reply, frame);
          expect(fuzzer.closed).toBeUndefined();
        }),
        { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
      );
    }
    const after = await storedData();
    const stillWorks = await fuzzer.request({ action: 'conversations' });

    expect(after).toBe(before);
    expect(stillWorks.type).toBe('conversations');
  });

  it('answers join only with joined, or an error for what is not a joinable room', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyValue, fc.constantFrom('support:victim', 'support:fuzzer', 'room:nope')),
        anyValue,
        async (conversationId, id) => {
          const frame = JSON.stringify({ action: 'join', conversationId, id });
          const reply = await replyTo(frame);
          assertWellFormed(reply, frame);
          expect(['error', 'joined']).toContain(reply.type);
        },
      ),
      { numRuns: Math.ceil(runs / 2), ...(seed !== undefined ? { seed } : {}) },
    );
    expect(fuzzer.closed).toBeUndefined();
  });

  it('stores and returns accepted text exactly as sent, and refuses only what the protocol says', async () => {
    const writer = await connectAs(stack, 'writer');
    const text = fc.oneof(
      fc.string({ unit: 'binary', minLength: 0, maxLength: 60 }),
      // Raw UTF-16 code units, unpaired surrogates included.
      fc.string({
        unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
        maxLength: 20,
      }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      edgeStrings,
    );

    await fc.assert(
      fc.asyncProperty(text, async (sent) => {
        const reply = await writer.request({
          action: 'sendmessage',
          conversationId: 'support:writer',
          text: sent,
        });
        const codePoints = [...sent].length;
        // docs/protocol.md "Text rules", written out independently of the implementation.
        // eslint-disable-next-line no-control-regex -- controls are what is refused
        const forbidden = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
        const blank = /^[\s\u200b-\u200f\u2060\u2800\u115f\u1160\u3164\uffa0]*$/;
        const expected =
          !sent.isWellFormed() || forbidden.test(sent) || blank.test(sent)
            ? 'BAD_REQUEST'
            : codePoints > 4000
              ? 'TOO_LARGE'
              : 'ack';
        if (expected === 'ack') {
          expect(reply.type).toBe('ack');
          const message = reply.message as Frame;
          const history = await writer.request({
            action: 'sync',
            conversationId: 'support:writer',
            after: (message.seq as number) - 1,
            limit: 1,
          });
          expect(message.text).toBe(sent);
          expect((history.messages as Frame[])[0]?.text).toBe(sent);
        } else {
          expect(reply).toMatchObject({ type: 'error', code: expected });
        }
      }),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
    );
    await writer.close();
  });
});
