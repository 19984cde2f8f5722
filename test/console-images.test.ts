/**
 * Pictures in the browser console, in real Chromium against the real local stack (s3rver,
 * DynamoDB Local, the process-image handler on S3 events): the desk sends a PNG with the file
 * input, by dropping it and by pasting it, and the student — the client core's ChatClient in
 * Node — receives image messages whose URLs work; a student's photo shows as a thumbnail of its
 * own shape and opens in the lightbox (Esc and click close it, focus returns); an upload can be
 * cancelled and retried with the same message; a too-big, HEIC or non-image file is refused with
 * its words and nothing is sent. Screenshots go to test-results/console/ (docs/img/ has copies).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ChatClient,
  type ChatMessage,
  type ImageUploadPort,
  MAX_IMAGE_BYTES,
  MemoryStorage,
  UploadFailedError,
} from '../client/index';
import { devLogin } from '../client/testing/dev-login';
import { wsTransport } from '../client/testing/ws-transport';
import type { LocalStack } from '../local/local-stack';
import { findChromium, launchChromium } from './support/browser';
import { ConsoleDriver, inboxRow, messageRow } from './support/console-driver';
import { photoWithLocation } from './support/images';
import { startTestStack } from './support/test-stack';

const chromiumPath = findChromium();
if (!chromiumPath && process.env.CI) {
  throw new Error('CI must run the browser console tests: no Chromium found (.ci/run installs it)');
}
const SCREENSHOTS = join(new URL('..', import.meta.url).pathname, 'test-results', 'console');
const ZH = { locale: 'zh-CN' } as const;

let stack: LocalStack;
let browser: Browser | undefined;
let driver: ConsoleDriver;
const students: ChatClient[] = [];
/** Upload-slot requests (the `upload` route), to show that a refused file asks for none. */
let slotRequests = 0;
/** URL renewals (the `imageurls` route). */
let renewals = 0;

beforeAll(async () => {
  stack = await startTestStack();
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack.gateway.on('invocation', ({ routeKey }) => {
    if (routeKey === 'upload') slotRequests++;
    if (routeKey === 'imageurls') renewals++;
  });
  if (chromiumPath) {
    browser = await launchChromium(chromiumPath);
    driver = new ConsoleDriver(stack, browser);
  }
});

afterAll(async () => {
  for (const s of students) s.stop();
  await browser?.close();
  await stack?.stop();
});

afterEach(async () => {
  if (driver) expect(await driver.closeAll()).toEqual([]);
});

/** A PNG the server can decode: a flat colour with a stripe, `width`×`height`. */
function png(width: number, height: number, colour = '#2f8f6f'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .composite([
      {
        input: {
          create: { width, height: Math.max(1, height >> 3), channels: 3, background: '#fff' },
        },
        top: height >> 1,
        left: 0,
      },
    ])
    .png()
    .toBuffer();
}

/** The student: the client core in Node, uploading from memory with fetch + FormData. */
async function student(id: string, name: string, files: Map<string, Buffer>): Promise<ChatClient> {
  const port: ImageUploadPort = {
    upload(target, image, onProgress) {
      const done = (async () => {
        const bytes = files.get(image.localPath);
        if (!bytes) throw new UploadFailedError('missing');
        const form = new FormData();
        for (const [k, v] of Object.entries(target.fields)) form.append(k, v);
        form.append('file', new Blob([new Uint8Array(bytes)], { type: image.contentType }));
        const response = await fetch(target.url, { method: 'POST', body: form });
        await response.arrayBuffer();
        if (response.status >= 300) throw new UploadFailedError('refused', response.status);
        onProgress(1);
      })();
      return { done, cancel: () => undefined };
    },
  };
  const session = await devLogin(stack.urls.login, id, name, 8000);
  const client = new ChatClient({
    url: stack.urls.websocket,
    transport: wsTransport(),
    session: () => Promise.resolve(session),
    storage: new MemoryStorage(),
    imageUploader: port,
  });
  students.push(client);
  await client.start();
  return client;
}

/** Every message `client` is told about, as it arrives. */
function messagesOf(client: ChatClient): ChatMessage[] {
  const seen: ChatMessage[] = [];
  client.on('message', (m) => seen.push(m));
  return seen;
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Fetches a URL; resolves with its status, type and bytes. */
async function download(url: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: String(response.headers.get('content-type')),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** The desk, in Chinese, with the student's conversation open. */
async function deskWith(conversationId: string): Promise<Page> {
  const desk = await driver.openConsole('admin', 'Desk', undefined, ZH);
  await inboxRow(desk, conversationId).click();
  await desk.locator('#message').waitFor();
  return desk;
}

/** Hands `bytes` to the page as a File in a synthetic paste (composer) or drop (conversation). */
async function pasteOrDrop(
  page: Page,
  how: 'paste' | 'drop',
  bytes: Buffer,
  name: string,
): Promise<void> {
  await page.evaluate(
    ({ how, base64, name }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type: 'image/png' }));
      if (how === 'paste') {
        const box = document.querySelector('#message') as HTMLElement;
        box.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }),
        );
      } else {
        const chat = document.querySelector('main.chat') as HTMLElement;
        for (const type of ['dragenter', 'dragover', 'drop']) {
          chat.dispatchEvent(
            new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
          );
        }
      }
    },
    { how, base64: bytes.toString('base64'), name },
  );
}

/** Stored own picture rows of the page, with what their thumbnails loaded. */
function storedPictures(page: Page) {
  return page.locator('li.message:is([data-state="sent"], [data-state="read"]) button.picture img');
}

describe.runIf(chromiumPath)('pictures in the browser console', () => {
  it('sends a PNG by file input, drop and paste; the student gets each once, with working URLs', async () => {
    // Prepare: pia writes to the desk, which opens her conversation.
    const pia = await student('pia', 'Pia', new Map());
    const seen = messagesOf(pia);
    pia.send('support:pia', '座位坏了');
    await until(() => seen.some((m) => m.text === '座位坏了'), 'her text');
    const desk = await deskWith('support:pia');
    const [picked, dropped, pasted] = await Promise.all([
      png(640, 480),
      png(300, 500, '#8f2f2f'),
      png(500, 200, '#2f4f8f'),
    ]);

    // Act: one picture each way, the next after the previous is stored.
    await desk
      .locator('#picture-input')
      .setInputFiles({ name: 'seat.png', mimeType: 'image/png', buffer: picked });
    await storedPictures(desk).nth(0).waitFor();
    await pasteOrDrop(desk, 'drop', dropped, 'dropped.png');
    await storedPictures(desk).nth(1).waitFor();
    await pasteOrDrop(desk, 'paste', pasted, 'pasted.png');
    await storedPictures(desk).nth(2).waitFor();
    await until(() => seen.filter((m) => m.image).length >= 3, 'three pictures at the student');
    await desk.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('button.picture img')].every(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    await desk.screenshot({ path: join(SCREENSHOTS, 'zh-desk-pictures.png') });
    const images = seen.filter((m) => m.image && m.senderId === 'admin');
    const files = await Promise.all(
      images.map(async (m) => ({
        display: await download(String(m.image?.url)),
        thumb: await download(String(m.image?.thumbUrl)),
      })),
    );
    const thumbnails = await storedPictures(desk).evaluateAll((imgs) =>
      imgs.map((img) => (img as HTMLImageElement).naturalWidth),
    );
    const preview = await inboxRow(desk, 'support:pia').textContent();

    // Assess: three messages (no duplicate), each picture as sent, both URLs working.
    expect(images.map((m) => [m.image?.width, m.image?.height, m.image?.contentType])).toEqual([
      [640, 480, 'image/png'],
      [300, 500, 'image/png'],
      [500, 200, 'image/png'],
    ]);
    expect(new Set(images.map((m) => m.clientId)).size).toBe(3);
    for (const [i, file] of files.entries()) {
      expect([file.display.status, file.display.type]).toEqual([200, 'image/png']);
      expect([file.thumb.status, file.thumb.type]).toEqual([200, 'image/webp']);
      const meta = await sharp(file.display.bytes).metadata();
      expect([meta.width, meta.height]).toEqual([
        images[i]?.image?.width,
        images[i]?.image?.height,
      ]);
    }
    // The timeline shows the server's thumbnails (360 px at most), not the local files.
    expect(thumbnails.every((w) => w > 0 && w <= 360)).toBe(true);
    expect(preview).toContain('[图片]');
    expect(slotRequests).toBeGreaterThanOrEqual(3);
  });

  it("shows a student's photo as a thumbnail of its shape and opens it in the lightbox", async () => {
    // Prepare: quinn sends a portrait photo (1600x1200 pixels, EXIF orientation 6) and a text.
    const photo = await photoWithLocation();
    const quinn = await student('quinn', 'Quinn', new Map([['mem:photo', photo]]));
    const seen = messagesOf(quinn);
    quinn.sendImage('support:quinn', {
      localPath: 'mem:photo',
      contentType: 'image/jpeg',
      size: photo.byteLength,
      width: 1200,
      height: 1600,
    });
    await until(() => seen.some((m) => m.image), 'her photo stored');
    const stored = seen.find((m) => m.image)?.image;
    // The first picture request fails as an expired URL does (403, a second later so that a
    // renewed URL differs): the console must renew it with `imageurls`.
    const desk = await driver.openConsole('admin', 'Desk', undefined, ZH);
    let refused = 0;
    await desk.route(`${new URL(stack.s3.endpoint).origin}/**`, async (route) => {
      if (route.request().method() !== 'GET' || refused++ > 0) return route.continue();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await route.fulfill({ status: 403, body: 'expired' });
    });
    const renewalsBefore = renewals;

    await inboxRow(desk, 'support:quinn').click();
    const thumb = desk.locator('li.message.theirs button.picture');

    // Act: the thumbnail; open with a click, close with Esc; open with the keyboard, close by a
    // click on the picture.
    // Before anything loaded (the first request is held): the box already has its shape.
    const shapeBefore = await thumb.boundingBox();
    // The row is rendered anew with the renewed URL: ask the page for whatever img is there now.
    await desk.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('li.message.theirs button.picture img');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    const shape = await thumb.boundingBox();
    await thumb.click();
    const lightbox = desk.locator('dialog.lightbox[open]');
    await lightbox.waitFor();
    await desk.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('dialog[open] .lightbox-image');
      return img !== null && img.complete && img.naturalWidth > 0;
    });
    // JPEG: the test photo is noise, which PNG does not compress.
    await desk.screenshot({
      path: join(SCREENSHOTS, 'zh-desk-lightbox.jpg'),
      type: 'jpeg',
      quality: 70,
    });
    const full = await lightbox
      .locator('.lightbox-image')
      .evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    const focusedInside = await desk.evaluate(
      () => document.activeElement?.closest('dialog') !== null,
    );
    await desk.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
    const focusAfterEsc = await desk.evaluate(() =>
      document.activeElement?.classList.contains('picture'),
    );
    await desk.keyboard.press('Enter');
    await lightbox.waitFor();
    await lightbox.locator('.lightbox-image').click();
    await lightbox.waitFor({ state: 'detached' });
    const focusAfterClick = await desk.evaluate(() =>
      document.activeElement?.classList.contains('picture'),
    );
    // Closed and opened again before the close event ran (as a quick Esc, Enter can): the picture
    // stays. The page's listener runs after the lightbox's own, in the same dispatch.
    const keptOnReopen = await desk.evaluate(async () => {
      const thumbnail = document.querySelector<HTMLElement>('li.message.theirs button.picture');
      thumbnail?.click();
      const dialog = document.querySelector<HTMLDialogElement>('dialog.lightbox');
      if (!dialog?.open || !thumbnail) return 'not opened';
      const closed = new Promise((resolve) =>
        dialog.addEventListener('close', resolve, { once: true }),
      );
      dialog.close();
      thumbnail.click();
      await closed;
      return dialog.open && dialog.querySelector('.lightbox-image') !== null;
    });
    await desk.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });

    // Assess: the box has the photo's upright shape (3:4) before and after loading; the
    // lightbox shows the display copy, upright.
    expect([stored?.width, stored?.height]).toEqual([1200, 1600]);
    expect(refused).toBeGreaterThan(1);
    expect(renewals).toBeGreaterThan(renewalsBefore);
    expect(shape && Math.abs(shape.width / shape.height - 1200 / 1600)).toBeLessThan(0.02);
    expect(shapeBefore).toEqual(shape);
    expect(full).toEqual([1200, 1600]);
    expect(focusedInside).toBe(true);
    expect(focusAfterEsc).toBe(true);
    expect(focusAfterClick).toBe(true);
    expect(keptOnReopen).toBe(true);
    await expect(thumb.getAttribute('aria-label')).resolves.toBe('查看大图：Quinn 发送的图片');
  });

  it('turns a removed picture into a tombstone, with [图片] gone from the list', async () => {
    // Prepare
    const png1 = await png(200, 200);
    const rita = await student('rita', 'Rita', new Map([['mem:p', png1]]));
    const seen = messagesOf(rita);
    rita.sendImage('support:rita', {
      localPath: 'mem:p',
      contentType: 'image/png',
      size: png1.byteLength,
      width: 200,
      height: 200,
    });
    await until(() => seen.some((m) => m.image), 'her picture stored');
    const desk = await deskWith('support:rita');
    const row = desk.locator('li.message.theirs');
    await row.locator('button.picture').waitFor();
    await inboxRow(desk, 'support:rita').getByText('Rita：[图片]').waitFor();

    // Act: the desk removes it.
    await row.locator('button[data-action="remove"]').click();
    await row.locator('.message-text.recalled').waitFor();

    // Assess: no picture left, the tombstone's words; the list no longer says [图片].
    await expect(row.locator('.picture').count()).resolves.toBe(0);
    await expect(row.locator('.message-text.recalled').textContent()).resolves.toBe(
      '已被管理员删除',
    );
    await desk.waitForFunction(
      (sel) => !document.querySelector(sel)?.textContent?.includes('[图片]'),
      'button.conversation[data-conversation="support:rita"]',
    );
  });

  it('cancels an upload, then sends the same message on retry', async () => {
    // Prepare: S3 holds the desk's upload until released.
    const sam = await student('sam', 'Sam', new Map());
    const seen = messagesOf(sam);
    sam.send('support:sam', 'hi');
    await until(() => seen.some((m) => m.text === 'hi'), 'his text');
    const desk = await deskWith('support:sam');
    let release: () => void = () => undefined;
    let held = 0;
    await desk.route(`${new URL(stack.s3.endpoint).origin}/**`, async (route) => {
      if (route.request().method() !== 'POST' || held++ > 0) return route.continue();
      await new Promise<void>((resolve) => (release = resolve));
      await route.abort().catch(() => undefined);
    });
    const picture = await png(320, 240);

    // Act: pick, cancel while it uploads, retry.
    await desk
      .locator('#picture-input')
      .setInputFiles({ name: 'a.png', mimeType: 'image/png', buffer: picture });
    const pending = desk.locator('li.message[data-state="sending"]');
    await pending.locator('progress').waitFor();
    await pending.locator('button[data-action="cancel-upload"]').click();
    const failed = desk.locator('li.message[data-state="failed"]');
    await failed.waitFor();
    const reason = await failed.locator('.state-label').textContent();
    const key = await failed.getAttribute('data-key');
    release();
    const imagesBefore = seen.filter((m) => m.image).length;
    await failed.getByRole('button', { name: '重试' }).click();
    await storedPictures(desk).first().waitFor();
    await until(() => seen.filter((m) => m.image).length > imagesBefore, 'the picture');

    // Assess: cancelled in words, then delivered once.
    expect(reason).toContain('已取消上传');
    expect(imagesBefore).toBe(0);
    // The retry is the same outbox entry: the same idempotent id.
    expect(seen.find((m) => m.image)?.clientId).toBe(key?.split('/')[1]);
    expect(seen.filter((m) => m.image).map((m) => [m.senderId, m.image?.width])).toEqual([
      ['admin', 320],
    ]);
  });

  it('refuses a too-big, a HEIC and a non-image file with their reasons, sending nothing', async () => {
    // Prepare
    const tess = await student('tess', 'Tess', new Map());
    const seen = messagesOf(tess);
    tess.send('support:tess', 'hello');
    await until(() => seen.some((m) => m.text === 'hello'), 'her text');
    const desk = await deskWith('support:tess');
    await messageRow(desk, 'hello').waitFor();
    const rowsBefore = await desk.locator('li.message').count();
    const slotsBefore = slotRequests;
    const notice = desk.locator('.notice');
    const input = desk.locator('#picture-input');

    // Act
    await input.setInputFiles({
      name: 'huge.png',
      mimeType: 'image/png',
      buffer: Buffer.alloc(MAX_IMAGE_BYTES + 1),
    });
    await notice.getByText('图片太大').waitFor();
    await desk.screenshot({ path: join(SCREENSHOTS, 'zh-desk-picture-refused.png') });
    const tooBig = await notice.textContent();
    await input.setInputFiles({
      name: 'IMG_0001.HEIC',
      mimeType: 'image/heic',
      buffer: Buffer.from('not really heic'),
    });
    await notice.getByText('HEIC').waitFor();
    const heic = await notice.textContent();
    await input.setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await notice.getByText('只能发送').waitFor();
    const other = await notice.textContent();

    // Assess: each in words; no row, no slot asked for, nothing at the student.
    expect(tooBig).toBe('无法发送：图片太大（10.0 MB），最大 10 MB');
    expect(heic).toContain('不支持 HEIC 格式的照片');
    expect(other).toContain('只能发送 JPEG、PNG、WebP 或 GIF 图片');
    expect(rowsBefore).toBe(1);
    await expect(desk.locator('li.message').count()).resolves.toBe(rowsBefore);
    expect(slotRequests).toBe(slotsBefore);
    expect(seen.filter((m) => m.image)).toEqual([]);
  });
});
