/**
 * The chat page as WeChat DevTools would load it: the mini-program is built (the same npm script
 * DevTools relies on), the built page is loaded headless with miniprogram-simulate, and its chat
 * client talks through the wx shim to the real local stack. A raw protocol client plays the desk.
 *
 * The file runs in the Node environment (the local stack runs in this process and must resolve
 * its Node builds); miniprogram-simulate gets the DOM it renders into from installDom().
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import { installDom } from './dom';
import { WxShim, waitFor } from './wx-shim';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..', '..');
const CONVERSATION = 'support:pat';

interface SimulatedNode {
  dom: HTMLElement;
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}
interface SimulatedPage extends SimulatedNode {
  instance: Record<string, (...args: unknown[]) => unknown> & { data: Record<string, unknown> };
  attach(parent: HTMLElement): void;
  querySelector(selector: string): SimulatedNode | undefined;
  querySelectorAll(selector: string): SimulatedNode[];
}
interface Simulate {
  load(path: string, options: { compiler: 'simulate'; rootPath: string }): string;
  render(id: string): SimulatedPage;
}

let dist: string;
let stack: LocalStack;
let desk: ChatTestClient;
let shim: WxShim;
let page: SimulatedPage;

/** A module of the built mini-program, loaded as WeChat would (CommonJS). */
function built<T>(path: string): T {
  return require(join(dist, path)) as T;
}

/** A field of every rendered message-item (simulate prefixes classes with the component name). */
function rendered(field: 'text' | 'sender' | 'state'): string[] {
  return [...page.dom.querySelectorAll('message-item')].map(
    (item) => item.querySelector(`[class$="--${field}"]`)?.textContent ?? '',
  );
}

function renderedTexts(): string[] {
  return rendered('text');
}

function banner(): string {
  return page.querySelector('#banner')?.dom.textContent?.trim() ?? '';
}

beforeAll(async () => {
  // Prepare: build the mini-program the way `npm run build:miniprogram` does, into a scratch dir.
  dist = mkdtempSync(join(tmpdir(), 'campus-chat-miniprogram-'));
  execFileSync(
    join(root, 'node_modules', '.bin', 'tsx'),
    [join(root, 'miniprogram', 'scripts', 'build.ts'), '--out', dist],
    { stdio: 'pipe' },
  );
  stack = await startTestStack();
  shim = new WxShim({ user: 'pat' });
  (globalThis as { wx?: unknown }).wx = shim.api();
  built<{ setServerOverride(c: object): void }>('services/environment.js').setServerOverride({
    websocketUrl: stack.urls.websocket,
    loginUrl: stack.urls.login,
  });
  await built<{ login(name: string): Promise<unknown> }>('services/login.js').login('Pat');
  desk = await connectAs(stack, 'admin');

  installDom();
  const simulate = require('miniprogram-simulate') as Simulate;
  const id = simulate.load(join(dist, 'pages', 'chat', 'index'), {
    compiler: 'simulate',
    rootPath: dist,
  });
  page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  await page.instance.onLoad?.({ id: encodeURIComponent(CONVERSATION), title: 'Study-room desk' });
});

afterAll(async () => {
  page?.instance.onUnload?.();
  await built<{ signOut(): Promise<void> }>('services/chat-session.js').signOut();
  await desk?.close();
  await stack?.stop();
  rmSync(dist, { recursive: true, force: true });
});

describe('chat page', () => {
  it('sends on tap, counting characters as it goes', async () => {
    // Act
    const counter = () => page.querySelector('#counter')?.dom.textContent;
    page.querySelector('#draft')?.dispatchEvent('input', { detail: { value: 'Is 3F open? 😀' } });
    // Events are delivered asynchronously, as in WeChat.
    await waitFor(() => counter() !== '0/4000', 'the counter to update');
    const counted = counter();
    page.querySelector('#send')?.dispatchEvent('tap');
    const atDesk = await desk.next(
      (f) => f.type === 'message' && (f.message as Frame).conversationId === CONVERSATION,
    );
    await waitFor(() => rendered('state')[0] === 'Sent', 'the message to show as sent');

    // Assess
    // 13 characters: the emoji counts once, as the server counts it.
    expect(counted).toBe('13/4000');
    expect(atDesk.message).toMatchObject({ text: 'Is 3F open? 😀', senderId: 'pat', seq: 1 });
    expect(renderedTexts()).toEqual(['Is 3F open? 😀']);
    expect(counter()).toBe('0/4000');
  });

  it('renders messages from the client in seq order, with sender, and markup as plain text', async () => {
    // Act
    await desk.request({
      action: 'sendmessage',
      conversationId: CONVERSATION,
      text: 'Yes, until 22:00. <b>Bring your card</b>',
    });
    await desk.request({ action: 'sendmessage', conversationId: CONVERSATION, text: 'And a pen.' });
    await waitFor(() => renderedTexts().length === 3, 'the replies');

    // Assess
    expect(renderedTexts()).toEqual([
      'Is 3F open? 😀',
      'Yes, until 22:00. <b>Bring your card</b>',
      'And a pen.',
    ]);
    expect(rendered('sender')).toEqual(['Pat', 'admin', 'admin']);
    // Text is never parsed as markup.
    expect(page.dom.querySelector('b')).toBeNull();
  });

  it('shows the reconnect banner while the network is gone and clears it once back', async () => {
    // Prepare
    const before = banner();

    // Act: cut every socket and refuse reconnects for a while.
    stack.gateway.setAccepting(false);
    for (const id of stack.gateway.connectionIds()) stack.gateway.drop(id);
    await waitFor(() => /^Reconnecting in \d+ s…$/.test(banner()), 'the reconnect banner');
    const during = banner();
    stack.gateway.setAccepting(true);
    await waitFor(() => banner() === '', 'the banner to clear', 45_000);

    // Assess
    expect(before).toBe('');
    expect(during).toMatch(/^Reconnecting in \d+ s…$/);
    expect(shim.maxOpenTasks).toBe(1);
  });
});
