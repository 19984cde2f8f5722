/**
 * The shared setup of the mini-program's notification suites (notify-page, background-notify): a
 * notification test stack, a student logged in through the built mini-program whose subscribe
 * acceptances WeChat's server counts (the subscribeMessage.send stand-in), the desk on a socket,
 * and the student's support chat page loaded with its notice line shown.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ChatTestClient } from '../../test/support/chat-client';
import { type NotifyStack, startNotifyStack } from '../../test/support/notify-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { waitFor } from './wx-shim';

/** What a suite drives: the stack, the student's app and chat page, the desk's socket. */
export interface StudentChat extends NotifyStack {
  readonly app: BuiltMiniProgram;
  readonly page: SimulatedPage;
  readonly desk: ChatTestClient;
}

/**
 * Registers beforeAll/afterAll that open `userId`'s support chat page (display name `name`) and
 * tear everything down; the returned function gives the fixture inside tests.
 */
export function useStudentChat(userId: string, name: string): () => StudentChat {
  let chat: StudentChat | undefined;
  let stack: NotifyStack | undefined;
  let app: BuiltMiniProgram | undefined;
  let page: SimulatedPage | undefined;
  beforeAll(async () => {
    stack = await startNotifyStack();
    const local = stack.stack;
    app = await buildAndLogin(local, userId, name);
    // What the panel accepts, WeChat's server counts (the stand-in behind subscribeMessage.send).
    app.shim.onSubscribeAccepted = (ids) => {
      for (const id of ids) local.wechat.subscribe.grant(userId, id);
    };
    const desk = await stack.connect('admin');
    page = app.render('pages/chat/index');
    await page.instance.onLoad?.({
      id: encodeURIComponent(`support:${userId}`),
      title: '自习室服务台',
    });
    const loaded = page;
    await waitFor(() => loaded.instance.data.notifyShown === true, 'the notice line');
    chat = { ...stack, app, page, desk };
  });
  afterAll(async () => {
    page?.instance.onUnload?.();
    await app?.dispose();
    await stack?.stop();
  });
  return () => {
    if (!chat) throw new Error('the student chat is not open yet (use it inside tests)');
    return chat;
  };
}

/** Polls `check` every 50 ms, at most 10 s: what the notifier does comes after the ack. */
export async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
