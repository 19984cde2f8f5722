/**
 * The scan-to-login code as on AWS (WEB_LOGIN_CODE=wxacode, as the stack sets it): the console's
 * ticket carries a mini-program code from wxacode.getUnlimited (the WeChat stand-in draws it),
 * made for the ticket and the approval page; the in-app scanner's path leads to the same ticket;
 * when WeChat cannot make a code the console gets the plain QR code and the login still works.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ticketFromScan } from '../client/web-login-requests';
import type { LocalStack } from '../local/local-stack';
import { WEB_LOGIN_QR_PREFIX } from '../protocol/web-login';
import { findChromium, launchChromium } from './support/browser';
import { type ChatTestClient, connectAs, nextId } from './support/chat-client';
import { ConsoleDriver } from './support/console-driver';
import { startTestStack } from './support/test-stack';

const chromiumPath = findChromium();
const SCREENSHOTS = join(new URL('..', import.meta.url).pathname, 'test-results', 'console');

let stack: LocalStack;
let desk: ChatTestClient;
let browser: Browser | undefined;

beforeAll(async () => {
  stack = await startTestStack({
    streams: false,
    // A trial build: the code opens the trial version, and WeChat cannot check its pages.
    env: { WEB_LOGIN_CODE: 'wxacode', NOTIFY_MINIPROGRAM_STATE: 'trial' },
  });
  desk = await connectAs(stack, 'admin');
});

afterAll(async () => {
  await browser?.close();
  await desk?.close();
  await stack?.stop();
});

beforeEach(() => stack.wechat.wxacode.reset());

interface Ticket {
  ticket: string;
  pollSecret: string;
  code: { kind: 'wxacode'; image: string } | { kind: 'qr'; text: string };
}

async function newTicket(): Promise<{ status: number; body: Ticket }> {
  const response = await fetch(`${stack.urls.http}/weblogin`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as Ticket };
}

async function approveAndCollect(ticket: Ticket) {
  const viewed = await desk.request({
    action: 'webloginview',
    id: nextId('w'),
    ticket: ticket.ticket,
  });
  const answered = await desk.request({
    action: 'webloginanswer',
    id: nextId('w'),
    ticket: ticket.ticket,
    approve: true,
  });
  const polled = await fetch(`${stack.urls.http}/weblogin/${ticket.ticket}`, {
    headers: { authorization: `Bearer ${ticket.pollSecret}` },
  }).then((r) => r.json() as Promise<Record<string, unknown>>);
  return { viewed: viewed.type, answered: answered.type, polled: polled.status };
}

describe('the login code on AWS (mini-program code)', () => {
  it('is a mini-program code for the ticket and the approval page, opening the trial build', async () => {
    // Act
    const { status, body } = await newTicket();
    const image = body.code.kind === 'wxacode' ? body.code.image : '';
    const [, type, base64] = /^data:(image\/png);base64,(.+)$/.exec(image) ?? [];
    const meta = await sharp(Buffer.from(base64 ?? '', 'base64')).metadata();
    // WeChat's scanner opens pages/weblogin/index?scene=<ticket>; the in-app scanner reads it.
    const scannedPath = `pages/weblogin/index?scene=${encodeURIComponent(body.ticket)}`;
    const result = await approveAndCollect(body);

    // Assess
    expect({ status, kind: body.code.kind, type, width: meta.width }).toEqual({
      status: 201,
      kind: 'wxacode',
      type: 'image/png',
      width: 430,
    });
    expect(stack.wechat.wxacode.calls).toEqual([
      {
        scene: body.ticket,
        page: 'pages/weblogin/index',
        checkPath: false,
        envVersion: 'trial',
        width: 430,
        errcode: 0,
      },
    ]);
    expect(ticketFromScan(scannedPath)).toBe(body.ticket);
    expect(result).toEqual({
      viewed: 'weblogin',
      answered: 'webloginanswered',
      polled: 'approved',
    });
  });

  it('falls back to the plain QR code when WeChat refuses (quota) or is busy, and the login works', async () => {
    // Prepare: the day's quota, then three busy answers (one call's every attempt).
    stack.wechat.wxacode.failNext(45009);
    stack.wechat.wxacode.failNext(-1, 3);

    // Act
    const quota = await newTicket();
    const busy = await newTicket();
    const result = await approveAndCollect(busy.body);

    // Assess
    expect([quota.status, quota.body.code, busy.status, busy.body.code]).toEqual([
      201,
      { kind: 'qr', text: `${WEB_LOGIN_QR_PREFIX}${quota.body.ticket}` },
      201,
      { kind: 'qr', text: `${WEB_LOGIN_QR_PREFIX}${busy.body.ticket}` },
    ]);
    expect(stack.wechat.wxacode.calls.map((c) => c.errcode)).toEqual([45009, -1, -1, -1]);
    expect(result).toEqual({
      viewed: 'weblogin',
      answered: 'webloginanswered',
      polled: 'approved',
    });
  });
});

describe.runIf(chromiumPath)('the login code on AWS (browser console)', () => {
  it('shows the mini-program code and says to scan it with WeChat', async () => {
    // Prepare
    browser = await launchChromium(chromiumPath as string);
    const driver = new ConsoleDriver(stack, browser);
    const page = await driver.newPage('wxacode', undefined, {
      locale: 'zh-CN',
      viewport: { width: 1280, height: 800 },
    });

    // Act
    await page.goto(stack.urls.console);
    await page.locator('.scan-code img').waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'zh-scan-wxacode.png') });
    const shown = {
      src: (await page.locator('.scan-code img').getAttribute('src'))?.slice(0, 22),
      natural: await page
        .locator('.scan-code img')
        .evaluate((img: HTMLImageElement) => img.naturalWidth),
      hint: await page.locator('.scan-login p.muted').textContent(),
    };

    // Assess
    expect(shown).toEqual({
      src: 'data:image/png;base64,',
      natural: 430,
      hint: '服务台人员：用微信「扫一扫」扫描此小程序码，并在手机上确认。',
    });
    expect(await driver.closeAll()).toEqual([]);
  });
});
