/**
 * The privacy-authorization flow on the built mini-program (miniprogram-simulate) and the real
 * local stack, with the wx shim following WeChat's documented flow
 * (https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html):
 * the app's popup shows when the user has yet to agree and when a privacy component is
 * intercepted; agreeing lets the intercepted call go on; declining fails it, and the student logs
 * in with a default name and chats all the same.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../client/index';
import type { LocalStack } from '../../local/local-stack';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedNode } from './page-harness';
import { waitFor } from './wx-shim';

let stack: LocalStack;
let app: BuiltMiniProgram | undefined;

beforeAll(async () => {
  stack = await startTestStack({ console: false });
});

afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

afterAll(async () => {
  await stack.stop();
});

/** A node inside the page's privacy popup component. */
function inPopup(page: ReturnType<BuiltMiniProgram['render']>, selector: string) {
  const popup = page.querySelector('#privacy-popup') as
    (SimulatedNode & { querySelector(s: string): SimulatedNode | undefined }) | undefined;
  return popup?.querySelector(selector);
}

async function loginPage(user: string) {
  app = await buildAndLogin(stack, user, undefined, true);
  app.shim.privacy.needAuthorization = true;
  const page = app.render('pages/login/index');
  await page.instance.onLoad?.();
  page.querySelector('#dev-user')?.dispatchEvent('input', { detail: { value: user } });
  return { app, page };
}

describe('privacy authorization', () => {
  it('lets a student who declines log in with a default name and chat', async () => {
    // Prepare: WeChat says the guideline is not agreed yet; the popup is up.
    const { app, page } = await loginPage('priya');
    await waitFor(() => page.instance.data.privacyVisible === true, 'the popup');
    // The nickname input is a privacy component: WeChat intercepts it.
    const nicknameApi = app.shim.usePrivacyApi();

    // Act
    inPopup(page, '#privacy-decline')?.dispatchEvent('tap');
    const intercepted = await nicknameApi;
    // The form still carries what was typed (WeChat degrades the input to text when declined).
    page
      .querySelector('#login-form')
      ?.dispatchEvent('submit', { detail: { value: { nickname: 'Priya' } } });
    await waitFor(() => app.shim.navigations.length > 0, 'the redirect');
    const chat = await app
      .module<{ startChat(): Promise<ChatClient> }>('services/chat-session.js')
      .startChat();
    await chat.open('support:priya');
    chat.send('support:priya', 'Is 3F open?');
    await waitFor(() => chat.view('support:priya').messages.length === 1, 'the ack');

    // Assess
    expect(intercepted).toBe('fail privacy permission is not authorized');
    expect(page.instance.data.privacyVisible).toBe(false);
    expect(page.instance.data.privacyDeclined).toBe(true);
    expect(page.querySelector('#privacy-declined')?.dom.textContent).toContain('默认昵称');
    const session = JSON.parse(app.shim.storage.get('campus-chat.session') as string) as {
      user: { id: string; name: string };
    };
    expect(session.user.id).toBe('priya');
    expect(session.user.name).not.toBe('Priya'); // the nickname was not used
    expect(session.user.name.length).toBeGreaterThan(0);
    expect(chat.view('support:priya').messages[0]).toMatchObject({ text: 'Is 3F open?', seq: 1 });
  });

  it('lets the intercepted call go on once the student agrees, and opens the guideline', async () => {
    // Prepare
    const { app, page } = await loginPage('pablo');
    const nicknameApi = app.shim.usePrivacyApi();
    await waitFor(() => page.instance.data.privacyVisible === true, 'the popup');

    // Act
    inPopup(page, '#privacy-contract')?.dispatchEvent('tap');
    inPopup(page, '#agree-btn')?.dispatchEvent('agreeprivacyauthorization');
    const intercepted = await nicknameApi;

    // Assess
    expect(intercepted).toBe('ok');
    expect(app.shim.privacy.needAuthorization).toBe(false);
    expect(app.shim.privacy.exposures).toBe(1);
    expect(app.shim.privacy.contractOpened).toBe(1);
    expect(page.instance.data.privacyVisible).toBe(false);
    expect(page.instance.data.privacyDeclined).toBe(false);
  });

  it('shows what is collected on the privacy page', async () => {
    // Prepare
    app = await buildAndLogin(stack, 'pia', undefined, true);
    const page = app.render('pages/privacy/index');

    // Act
    await page.instance.onLoad?.();
    page.querySelector('#open-contract')?.dispatchEvent('tap');
    await waitFor(() => app?.shim.privacy.contractOpened === 1, 'the guideline to open');

    // Assess
    const text = page.dom.textContent ?? '';
    for (const word of ['openid', '昵称', '消息', '图片']) expect(text).toContain(word);
    expect(app.shim.privacy.contractOpened).toBe(1);
  });
});
