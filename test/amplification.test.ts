/**
 * Limits that multiply with connections (docs/protocol.md "Amplification"), over real WebSockets:
 * a user cannot open connections without end, and toggling a room's membership cannot turn into
 * a stream of presence notices to its members.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import {
  ChatTestClient,
  connectAs,
  type Frame,
  HandshakeRefused,
  login,
} from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      MAX_CONNECTIONS_PER_USER: '3',
      PRESENCE_BURST: '2',
      PRESENCE_PER_SECOND: '0.001',
    },
  });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
});

async function connect(token: string): Promise<ChatTestClient | number> {
  try {
    const c = await ChatTestClient.connect(
      `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
    );
    open.push(c);
    return c;
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
}

describe('connections per user', () => {
  it('refuses one connection more than MAX_CONNECTIONS_PER_USER with 429, and takes one again once one closed', async () => {
    // Prepare
    const { token } = await login(stack, 'many');
    const first = [await connect(token), await connect(token), await connect(token)];

    // Act
    const fourth = await connect(token);
    const fifth = await connect(token);
    await (first[0] as ChatTestClient).close();
    // Its $disconnect runs after the close; connect again until it has (bounded).
    let after: ChatTestClient | number = 429;
    for (let i = 0; i < 50 && after === 429; i++) {
      after = await connect(token);
      if (after === 429) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Assess
    expect(first.every((c) => c instanceof ChatTestClient)).toBe(true);
    expect([fourth, fifth]).toEqual([429, 429]);
    expect(after).toBeInstanceOf(ChatTestClient);
  });
});

describe('presence notices', () => {
  it('stop after PRESENCE_BURST join and PRESENCE_BURST leave notices per user and room, while membership still changes', async () => {
    // Prepare
    const desk = await connectAs(stack, 'admin');
    const toggler = await connectAs(stack, 'toggler');
    open.push(desk, toggler);
    const room = (await desk.request({ action: 'createroom', title: 'Toggle room' }))
      .conversation as Frame;

    // Act: 20 join/leave toggles.
    const replies: Frame[] = [];
    for (let i = 0; i < 10; i++) {
      replies.push(await toggler.request({ action: 'join', conversationId: room.id }));
      replies.push(await toggler.request({ action: 'leave', conversationId: room.id }));
    }
    replies.push(await toggler.request({ action: 'join', conversationId: room.id }));
    const members = await desk.request({ action: 'rooms' });
    // A marker the desk sees after any notice the toggles sent.
    await toggler.request({ action: 'sendmessage', conversationId: room.id, text: 'done' });
    await desk.next((f) => f.type === 'message' && (f.message as Frame).text === 'done');

    // Assess
    expect(replies.map((r) => r.type)).toEqual([
      ...Array.from({ length: 10 }, () => ['joined', 'left']).flat(),
      'joined',
    ]);
    const notices = desk.frames.filter(
      (f) => f.type === 'presence' && f.userId === 'toggler' && f.conversationId === room.id,
    );
    // join and leave are two functions, each with its own throttle (functions/runtime.ts), as on
    // AWS: PRESENCE_BURST notices of each, then none.
    expect(notices.map((n) => n.event)).toEqual(['joined', 'left', 'joined', 'left']);
    const listed = (members.rooms as Frame[]).find((r) => r.id === room.id);
    expect(listed).toMatchObject({ memberCount: 2 });
  });
});
