/**
 * The authorization matrix, exhaustively: every action × every kind of conversation × both roles,
 * against the running stack. The expected outcomes are read from the tables in docs/protocol.md
 * (§5), so the documentation and the behaviour cannot drift apart. Every cell gets fresh rooms.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame, nextId } from './support/chat-client';
import { startTestStack } from './support/test-stack';

const ACTIONS = [
  'sendmessage',
  'sync',
  'typing',
  'read',
  'join',
  'leave',
  'recall',
  'remove',
  'report',
] as const;
const TARGETS = [
  'own support',
  "another's support",
  'room joined',
  'room not joined',
  'nonexistent',
] as const;
type Action = (typeof ACTIONS)[number];
type Target = (typeof TARGETS)[number];
type Role = 'student' | 'admin';

/** The matrix table for a role, parsed from docs/protocol.md. */
function documentedMatrix(role: Role): Map<string, string> {
  const doc = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## 5. Authorization matrix'));
  const heading = role === 'student' ? '\nStudent:' : '\nAdmin (';
  const lines = section.slice(section.indexOf(heading)).split('\n').slice(1);
  const rows = lines
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  const table = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.slice(table).findIndex((l) => !l.startsWith('|'));
  const [header, , ...body] = rows.slice(0, end);
  expect(header?.slice(1)).toEqual([...TARGETS]);
  const cells = new Map<string, string>();
  for (const row of body) {
    row.slice(1).forEach((value, i) => cells.set(`${row[0]}|${TARGETS[i]}`, value));
  }
  return cells;
}

let stack: LocalStack;
let sara: ChatTestClient; // the student under test
let tom: ChatTestClient; // another student, who has written to the desk
let admin: ChatTestClient; // the admin under test
let admin2: ChatTestClient; // another admin: opens rooms, observes support conversations
let wendy: ChatTestClient; // a student in every room: observes rooms

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      SEND_RATE_LIMIT: '10000',
      MESSAGE_BURST: '10000',
      MESSAGE_PER_SECOND: '10000',
      TYPING_BURST: '1000',
      TYPING_PER_SECOND: '1000',
    },
  });
  const connect = (name: string) => connectAs(stack, name);
  [sara, tom, admin, admin2, wendy] = await Promise.all([
    connect('sara'),
    connect('tom'),
    connect('admin'),
    connect('admin2'),
    connect('wendy'),
  ]);
  await tom.request({ action: 'sendmessage', conversationId: 'support:tom', text: 'hello desk' });
});

afterAll(async () => {
  await Promise.all([sara, tom, admin, admin2, wendy].map((c) => c.close()));
  await stack.stop();
});

async function newRoom(joinedBy: ChatTestClient[]): Promise<string> {
  const room = await admin2.request({ action: 'createroom', title: `room ${nextId()}` });
  const roomId = (room.conversation as Frame).id as string;
  for (const member of joinedBy) await member.request({ action: 'join', conversationId: roomId });
  return roomId;
}

/** The conversation a cell is about, prepared fresh for the caller. */
async function prepare(
  target: Target,
  caller: ChatTestClient,
  callerId: string,
): Promise<{ id: string; observer?: ChatTestClient }> {
  switch (target) {
    case 'own support':
      return { id: `support:${callerId}`, observer: admin2 };
    case "another's support":
      return { id: 'support:tom', observer: admin2 };
    case 'room joined':
      return { id: await newRoom([wendy, caller]), observer: wendy };
    case 'room not joined':
      return { id: await newRoom([wendy]), observer: wendy };
    case 'nonexistent':
      return { id: `room:${nextId('none')}` };
  }
}

/** Runs one action and reports `allowed` or the error code it got. */
async function attempt(
  action: Action,
  target: Target,
  caller: ChatTestClient,
  callerId: string,
  conversation: { id: string; observer?: ChatTestClient },
): Promise<string> {
  const id = nextId(action);
  const failed = caller.waitNew((f) => f.type === 'error' && f.id === id, 10_000, `error ${id}`);
  failed.catch(() => undefined);
  const outcomeOf = async (success: Promise<unknown>) =>
    Promise.race([success.then(() => 'allowed'), failed.then((f) => String(f.code))]);

  switch (action) {
    case 'recall':
    case 'remove':
    case 'report': {
      const seq = await messageFor(action, target, caller, conversation);
      const expected = action === 'report' ? 'reported' : 'recalled';
      const reply = caller.waitNew(
        (f) => f.id === id && f.type === expected,
        10_000,
        `${expected} ${id}`,
      );
      reply.catch(() => undefined);
      caller.send({
        action,
        id,
        conversationId: conversation.id,
        seq,
        ...(action === 'report' ? { reason: 'spam' } : {}),
      });
      return outcomeOf(reply);
    }
    case 'sendmessage':
    case 'sync':
    case 'join':
    case 'leave': {
      const frame: Record<string, unknown> = { action, id, conversationId: conversation.id };
      if (action === 'sendmessage') frame.text = 'matrix';
      const expected = { sendmessage: 'ack', sync: 'history', join: 'joined', leave: 'left' }[
        action
      ];
      const reply = caller.waitNew(
        (f) => f.id === id && f.type === expected,
        10_000,
        `${expected} ${id}`,
      );
      reply.catch(() => undefined);
      caller.send(frame);
      return outcomeOf(reply);
    }
    case 'typing':
    case 'read': {
      if (action === 'read' && conversation.observer) {
        // Something unread, so an allowed read moves the position and is announced.
        const poster = conversation.observer === wendy ? wendy : admin2;
        await poster.request({
          action: 'sendmessage',
          conversationId: conversation.id,
          text: 'unread',
        });
      }
      const notice = conversation.observer
        ? conversation.observer.waitNew(
            (f) =>
              f.type === action && f.userId === callerId && f.conversationId === conversation.id,
            10_000,
            `${action} notice`,
          )
        : new Promise<never>(() => undefined);
      notice.catch(() => undefined);
      caller.send(
        action === 'typing'
          ? { action, id, conversationId: conversation.id, typing: true }
          : { action, id, conversationId: conversation.id, seq: 1_000_000 },
      );
      return outcomeOf(notice);
    }
  }
}

/**
 * The message a recall, remove or report cell acts on: for `recall` the caller's own where the
 * caller may write, else the observer's (someone else's); seq 1 where no message can exist.
 */
async function messageFor(
  action: 'recall' | 'remove' | 'report',
  target: Target,
  caller: ChatTestClient,
  conversation: { id: string; observer?: ChatTestClient },
): Promise<number> {
  const { observer } = conversation;
  const isAdmin = caller === admin;
  if (!observer || (target === 'own support' && isAdmin)) return 1;
  if (target === 'own support') {
    // The student's own support conversation exists once they wrote to it.
    await caller.request({ action: 'sendmessage', conversationId: conversation.id, text: 'hi' });
  }
  const callerMayWrite =
    target === 'room joined' ||
    (target === 'own support' && !isAdmin) ||
    (target === "another's support" && isAdmin);
  const author = action === 'recall' && callerMayWrite ? caller : observer;
  const ack = await author.request({
    action: 'sendmessage',
    conversationId: conversation.id,
    text: 'matrix',
  });
  return (ack.message as Frame).seq as number;
}

describe.each([
  ['student', 'sara'],
  ['admin', 'admin'],
] as const)('as a %s', (role, callerId) => {
  const documented = documentedMatrix(role);

  it.each(ACTIONS.flatMap((action) => TARGETS.map((target) => [action, target] as const)))(
    '%s on %s answers as docs/protocol.md says',
    async (action, target) => {
      const caller = role === 'student' ? sara : admin;
      const conversation = await prepare(target, caller, callerId);

      const outcome = await attempt(action, target, caller, callerId, conversation);

      expect(outcome).toBe(documented.get(`${action}|${target}`));
    },
  );
});

describe('role-only actions', () => {
  it('lets only admins create rooms, and everyone list what they may see', async () => {
    const studentRoom = await sara.request({ action: 'createroom', title: 'mine' });
    const adminRoom = await admin.request({ action: 'createroom', title: 'ours' });
    const studentList = await sara.request({ action: 'conversations' });
    const studentRooms = await sara.request({ action: 'rooms' });

    expect(studentRoom).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(adminRoom.type).toBe('room');
    const supportIds = (studentList.conversations as Frame[])
      .filter((c) => c.kind === 'support')
      .map((c) => c.id);
    expect(supportIds).toEqual(['support:sara']);
    expect((studentRooms.rooms as Frame[]).map((r) => r.id)).toContain(
      (adminRoom.conversation as Frame).id,
    );
  });
});
