/**
 * The chat core through the mini-program's own services (login, storage, SocketTask transport,
 * lifecycle) on a `wx` shim whose sockets are real WebSockets to the REAL local stack: gateway
 * emulator, the Lambda handlers, DynamoDB Local. No mock server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient, ChatMessage } from '../../client/index';
import type { LocalStack } from '../../local/local-stack';
import { connectAs } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import { createChatClient } from '../src/services/chat-session';
import { setServerOverride } from '../src/services/environment';
import { watchLifecycle } from '../src/services/lifecycle';
import { login, sessionProvider } from '../src/services/login';
import { WxShim, waitFor } from './wx-shim';

let stack: LocalStack;
const phones: { client: ChatClient; stop: () => void }[] = [];

/** A phone with the mini-program's services: logged in through wx.login + POST /login, started. */
async function phone(user: string, displayName: string) {
  const shim = new WxShim({ user });
  const api = shim.api();
  await login(displayName, api);
  // A short backoff cap keeps the outage test quick; the policy is configurable for this.
  const client = createChatClient(api, { backoffCapMs: 2000 });
  const unwatch = watchLifecycle(client, api);
  phones.push({ client, stop: unwatch });
  await client.start();
  await waitFor(() => client.state.status === 'online', `${user} online`);
  return { shim, client };
}

function texts(messages: readonly ChatMessage[]): string[] {
  return messages.map((m) => m.text);
}

beforeAll(async () => {
  stack = await startTestStack();
  setServerOverride({ websocketUrl: stack.urls.websocket, loginUrl: stack.urls.login });
});

afterAll(async () => {
  for (const p of phones) {
    p.stop();
    p.client.stop();
  }
  setServerOverride(undefined);
  await stack.stop();
});

describe('the mini-program client on the real local stack', () => {
  it('probes its socket when WeChat reports the network turning weak', async () => {
    // Prepare
    const { shim, client } = await phone('wes', 'Wes');
    const task = shim.openTasks()[0];
    const pings = () => task?.sent.filter((f) => f === '{"action":"ping"}').length ?? 0;
    const before = pings();

    // Act
    shim.setWeakNetwork(true);
    await waitFor(() => pings() === before + 1, 'a probe ping');

    // Assess: the socket answered, so it is kept.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.state.status).toBe('online');
    expect(shim.openTasks()).toEqual([task]);
  });

  it('lets a student and the desk chat: messages, typing and read marks', async () => {
    // Prepare
    const student = await phone('alice', 'Alice');
    const desk = await phone('admin', 'Desk');
    const conversation = 'support:alice';
    await student.client.open(conversation);

    // Act
    student.client.send(conversation, 'Is room 3F open tonight?');
    await waitFor(() => student.client.view(conversation).messages.length === 1, 'student ack');
    await desk.client.open(conversation);
    desk.client.setTyping(conversation, true);
    await waitFor(() => student.client.view(conversation).typing.length === 1, 'typing shown');
    desk.client.send(conversation, 'Yes, until 22:00. <b>Bring your card</b>');
    await waitFor(() => student.client.view(conversation).messages.length === 2, 'reply');
    student.client.markRead(conversation, 2);
    await waitFor(() => desk.client.view(conversation).readers.get('alice') === 2, 'read mark');

    // Assess
    const atStudent = student.client.view(conversation);
    const atDesk = desk.client.view(conversation);
    expect(atStudent.typing).toEqual([]);
    expect(texts(atStudent.messages)).toEqual([
      'Is room 3F open tonight?',
      'Yes, until 22:00. <b>Bring your card</b>',
    ]);
    expect(atStudent.messages.map((m) => [m.seq, m.senderId, m.senderName])).toEqual([
      [1, 'alice', 'Alice'],
      [2, 'admin', 'Desk'],
    ]);
    expect(atDesk.messages).toEqual(atStudent.messages);
    expect(atStudent.pending).toEqual([]);
    expect(atDesk.pending).toEqual([]);
  });

  it('loses nothing and duplicates nothing when the network drops while both sides send 50 messages', async () => {
    // Prepare
    const student = await phone('carol', 'Carol');
    const desk = await phone('admin2', 'Desk 2');
    const conversation = 'support:carol';
    await student.client.open(conversation);
    student.client.send(conversation, 'carol 0');
    await waitFor(() => student.client.view(conversation).messages.length === 1, 'first message');
    await desk.client.open(conversation);
    desk.client.send(conversation, 'desk 0');
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    // Act
    for (let i = 1; i < 50; i++) {
      student.client.send(conversation, `carol ${i}`);
      desk.client.send(conversation, `desk ${i}`);
      if (i === 15) {
        // The network goes: every socket is cut and reconnects are refused for a while.
        stack.gateway.setAccepting(false);
        for (const id of stack.gateway.connectionIds()) stack.gateway.drop(id);
      }
      if (i === 30) stack.gateway.setAccepting(true);
      if (i === 40) {
        // Later the server closes the sockets cleanly (as at API Gateway's 2-hour limit).
        for (const id of stack.gateway.connectionIds())
          stack.gateway.disconnect(id, 1001, 'Going away');
      }
      await pause(i >= 15 && i < 30 ? 100 : 10);
    }
    const done = () =>
      [student, desk].every(
        (p) =>
          p.client.view(conversation).pending.length === 0 &&
          p.client.view(conversation).messages.length === 100,
      );
    await waitFor(done, 'both sides to hold 100 messages', 90_000).catch((error: Error) => {
      const report = [student, desk].map((p) => {
        const view = p.client.view(conversation);
        return {
          state: p.client.state,
          messages: view.messages.length,
          lastSeq: view.messages[view.messages.length - 1]?.seq,
          pending: view.pending.map((e) => `${e.text}:${e.state}:${e.error?.code ?? ''}`),
          tasks: p.shim.tasks.length,
        };
      });
      throw new Error(`${error.message}: ${JSON.stringify(report)}`);
    });

    // Assess
    const expected = [
      ...Array.from({ length: 50 }, (_, i) => `carol ${i}`),
      ...Array.from({ length: 50 }, (_, i) => `desk ${i}`),
    ].sort();
    for (const p of [student, desk]) {
      const { messages } = p.client.view(conversation);
      expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(texts(messages).sort()).toEqual(expected);
      expect(new Set(messages.map((m) => m.id)).size).toBe(100);
      // Each side's own messages were stored in the order typed.
      expect(texts(messages).filter((t) => t.startsWith('carol'))).toEqual(
        Array.from({ length: 50 }, (_, i) => `carol ${i}`),
      );
      expect(texts(messages).filter((t) => t.startsWith('desk'))).toEqual(
        Array.from({ length: 50 }, (_, i) => `desk ${i}`),
      );
      expect(p.shim.maxOpenTasks).toBe(1);
      expect(p.shim.refusedTasks).toBe(0);
    }
    expect(desk.client.view(conversation).messages).toEqual(
      student.client.view(conversation).messages,
    );
    // The server holds exactly these 100 too.
    const raw = await connectAs(stack, 'carol');
    const history = await raw.request({
      action: 'sync',
      conversationId: conversation,
      after: 0,
      limit: 200,
    });
    await raw.close();
    expect(history).toMatchObject({ type: 'history', hasMore: false });
    expect((history.messages as ChatMessage[]).map((m) => m.id)).toEqual(
      student.client.view(conversation).messages.map((m) => m.id),
    );
    // The outage really happened: both phones had to reconnect.
    expect(student.shim.tasks.length).toBeGreaterThan(2);
    expect(desk.shim.tasks.length).toBeGreaterThan(2);
  }, 120_000);

  it('logs in with a local user id against the local stack, where wx.login codes are not valid', async () => {
    // Prepare
    setServerOverride({
      websocketUrl: stack.urls.websocket,
      loginUrl: stack.urls.login,
      devLogin: true,
    });
    const shim = new WxShim({ user: 'ignored' });
    const api = shim.api();

    // Act
    const first = await login('Zed', api, 'zed');
    const refreshed = await sessionProvider(api)({ fresh: true });
    const refused = await login('Bad', api, 'no spaces allowed').catch((error: unknown) => error);
    setServerOverride({ websocketUrl: stack.urls.websocket, loginUrl: stack.urls.login });

    // Assess
    expect(first.user).toEqual({ id: 'zed', name: 'Zed', role: 'student' });
    expect(refreshed.user).toEqual({ id: 'zed', name: 'Zed', role: 'student' });
    expect(refreshed.token).not.toBe('');
    expect(shim.loginCalls).toBe(0);
    expect(refused).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('stays quiet in the background after WeChat kills the socket and reconnects on app show', async () => {
    // Prepare
    const { shim, client } = await phone('mia', 'Mia');
    const before = shim.tasks.length;

    // Act: hidden; WeChat closes the socket (1000 "interrupted"); a while later the app returns.
    shim.hide(50);
    await waitFor(() => client.state.status === 'offline', 'offline in the background');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const whileHidden = shim.tasks.length;
    shim.show();
    await waitFor(() => client.state.status === 'online', 'online again');

    // Assess
    expect(client.state).toMatchObject({ status: 'online' });
    expect(whileHidden).toBe(before);
    expect(shim.tasks.length).toBe(before + 1);
    expect(shim.maxOpenTasks).toBe(1);
  });
});
