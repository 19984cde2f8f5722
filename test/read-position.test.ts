/**
 * Read marks survive a reload (issue 13): `conversations` and `sync` carry the other side's read
 * position, and a ChatClient started afresh (a reopened app) shows its own messages as read.
 * Real WebSockets to the real local stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../client/chat-client';
import { MemoryStorage } from '../client/storage';
import { devLogin } from '../client/testing/dev-login';
import { wsTransport } from '../client/testing/ws-transport';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const open: ChatTestClient[] = [];
const clients: ChatClient[] = [];

async function raw(name: string): Promise<ChatTestClient> {
  const c = await connectAs(stack, name);
  open.push(c);
  return c;
}

/** A ChatClient as an app would start it after a reload: nothing in memory. */
async function reloaded(userId: string): Promise<ChatClient> {
  const session = await devLogin(stack.urls.login, userId, userId, 8000);
  const client = new ChatClient({
    url: stack.urls.websocket,
    transport: wsTransport(),
    session: () => Promise.resolve(session),
    storage: new MemoryStorage(),
  });
  clients.push(client);
  await client.start();
  return client;
}

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  for (const c of clients) c.stop();
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
});

describe('the other side’s read position', () => {
  it('is in conversations and sync for the student (any admin) and for the admin (the student)', async () => {
    // Prepare: the student writes twice; one admin reads the first, another the second.
    const student = await raw('rhea');
    const admin = await raw('admin');
    const admin2 = await raw('admin2');
    for (const text of ['第一条', '第二条']) {
      await student.request({ action: 'sendmessage', conversationId: 'support:rhea', text });
    }
    admin.send({ action: 'read', conversationId: 'support:rhea', seq: 2 });
    await student.next((f) => f.type === 'read' && f.seq === 2);
    admin2.send({ action: 'read', conversationId: 'support:rhea', seq: 1 });
    await admin.next((f) => f.type === 'read' && f.userId === 'admin2');

    // Act
    const studentList = await student.request({ action: 'conversations' });
    const studentSync = await student.request({
      action: 'sync',
      conversationId: 'support:rhea',
      after: 0,
    });
    const adminList = await admin.request({ action: 'conversations' });
    const adminSync = await admin.request({
      action: 'sync',
      conversationId: 'support:rhea',
      after: 0,
    });

    // Assess: the furthest any admin read (a later, lower read does not lower it).
    const mine = (studentList.conversations as Frame[]).find((c) => c.id === 'support:rhea');
    expect(mine?.peerReadSeq).toBe(2);
    expect(studentSync.peerReadSeq).toBe(2);
    // The admin sees the student's position: they wrote both, so they read both.
    const inbox = (adminList.conversations as Frame[]).find((c) => c.id === 'support:rhea');
    expect(inbox?.peerReadSeq).toBe(2);
    expect(adminSync.peerReadSeq).toBe(2);
  });

  it('shows own messages as read after a reload', async () => {
    // Prepare: the student writes, the desk reads, the student's app is gone.
    const student = await raw('sana');
    const admin = await raw('admin');
    await student.request({
      action: 'sendmessage',
      conversationId: 'support:sana',
      text: '在吗？',
    });
    admin.send({ action: 'read', conversationId: 'support:sana', seq: 1 });
    await student.next((f) => f.type === 'read' && f.seq === 1);
    await student.close();

    // Act: the app starts again with nothing in memory.
    const app = await reloaded('sana');
    await app.open('support:sana');
    const view = app.view('support:sana');

    // Assess
    expect(view.messages.map((m) => m.text)).toEqual(['在吗？']);
    expect(view.peerReadSeq).toBe(1);
    expect(view.readers.size).toBe(0);
  });
});
