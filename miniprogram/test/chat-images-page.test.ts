/**
 * Pictures on the chat page, as WeChat DevTools would load it (miniprogram-simulate, the built
 * page) with its chat client talking through the wx shim to the real local stack (s3rver, the
 * WeChat stand-in): the picture button picks and sends one (wx.chooseMedia, wx.uploadFile to S3),
 * thumbnails come from the message frame's URLs and load, a tap opens it full size
 * (wx.previewImage), a broken thumbnail is renewed with `imageurls`, and a picture WeChat's check
 * finds risky turns into a tombstone on the page.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from '../../test/support/chat-client';
import { photoWithLocation, postToSlot } from '../../test/support/images';
import { startTestStack } from '../../test/support/test-stack';
import { type BuiltMiniProgram, buildAndLogin, type SimulatedPage } from './page-harness';
import { screenshotPage } from './screenshot';
import { waitFor } from './wx-shim';

const CONVERSATION = 'support:quinn';

let stack: LocalStack;
let app: BuiltMiniProgram;
let desk: ChatTestClient;
let page: SimulatedPage;
let dir: string;
let photo: Buffer;
let photoPath: string;

/** The page's rows (the component's `items`), as rendered data. */
function items(): Record<string, unknown>[] {
  return page.instance.data.items as unknown as Record<string, unknown>[];
}

/** The rendered <image> elements of the message items (simulate renders them `wx-image`). */
/** The first message item, as miniprogram-simulate's component node. */
function firstItem(): SimulatedPage | undefined {
  return page.querySelector('.message-item') as SimulatedPage | undefined;
}

function images(): Element[] {
  return [...page.dom.querySelectorAll('message-item')].flatMap((item) => [
    ...item.querySelectorAll('wx-image'),
  ]);
}

beforeAll(async () => {
  stack = await startTestStack();
  dir = mkdtempSync(join(tmpdir(), 'campus-chat-pick-'));
  photo = await photoWithLocation(800, 600);
  photoPath = join(dir, 'tmp_pick.jpg');
  writeFileSync(photoPath, photo);
  app = await buildAndLogin(stack, 'quinn', 'Quinn');
  desk = await connectAs(stack, 'admin');
  page = app.render('pages/chat/index');
  await page.instance.onLoad?.({ id: encodeURIComponent(CONVERSATION), title: '自习室服务台' });
}, 120_000);

afterAll(async () => {
  page?.instance.onUnload?.();
  await app?.dispose();
  await desk?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pictures on the chat page', () => {
  it('picks a picture, uploads and sends it, and shows its thumbnail from the frame', async () => {
    // Arrange
    app.shim.picks.push({ path: photoPath, width: 800, height: 600 });

    // Act
    page.querySelector('#pick-image')?.dispatchEvent('tap');
    const atDesk = await desk.next(
      (f) => f.type === 'message' && (f.message as Frame).conversationId === CONVERSATION,
      30_000,
    );
    await waitFor(
      () => items().some((i) => String(i.imageSrc).startsWith('http')),
      'the stored picture to show its thumbnail URL',
    );

    // Assess
    const sent = (atDesk.message as Frame).image as Frame;
    // The server measured the display copy: the photo's EXIF orientation makes it portrait.
    expect(sent).toMatchObject({ width: 600, height: 800, contentType: 'image/jpeg' });
    const row = items().find((i) => i.imageKey === sent.key);
    expect(row).toMatchObject({ state: 'sent', imageAlt: 'Quinn 发送的图片', progressLabel: '' });
    // The box keeps the picture's shape at most 180 px wide.
    expect(row?.imageStyle).toBe('width:135px;height:180px');
    // One <image> in the row (miniprogram-simulate does not render its src: the data says it).
    expect(images()).toHaveLength(1);
    const thumb = await fetch(String(row?.imageSrc));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    // The picture button's name is in the catalog.
    expect(page.instance.data.t).toMatchObject({ attach: '选择图片' });
    await stack.wechat.pushesSettled();
  });

  it('opens a picture full size with wx.previewImage on tap', async () => {
    // Act
    firstItem()?.querySelector('.picture')?.dispatchEvent('tap');
    await waitFor(() => app.shim.previews.length > 0, 'the preview');

    // Assess
    const [preview] = app.shim.previews;
    expect(preview?.current).toContain('/img/');
    expect(preview?.urls).toContain(preview?.current);
    expect((await fetch(String(preview?.current))).status).toBe(200);
  });

  it('renews a thumbnail that failed to load with imageurls', async () => {
    // Arrange: a second later a new signature differs from the frame's (X-Amz-Date).
    const before = String(items().find((i) => i.imageKey)?.imageSrc);
    await new Promise((resolve) => setTimeout(resolve, 1100));

    // Act
    firstItem()?.querySelector('.image')?.dispatchEvent('error');
    await waitFor(
      () => String(items().find((i) => i.imageKey)?.imageSrc) !== before,
      'the renewed thumbnail URL',
    );

    // Assess
    const renewed = String(items().find((i) => i.imageKey)?.imageSrc);
    expect(renewed).toContain('/th/');
    expect((await fetch(renewed)).status).toBe(200);
  });

  it('shows a picture WeChat finds risky as a tombstone, without the picture', async () => {
    // Arrange: the desk sends a picture that WeChat's check will find risky.
    stack.wechat.configure({ mediaVerdict: 'risky', mediaPushDelayMs: 200 });
    const slot = await desk.request({
      action: 'upload',
      conversationId: CONVERSATION,
      contentType: 'image/jpeg',
      size: photo.length,
    });
    expect(await postToSlot(slot, photo, 'image/jpeg')).toBe(204);
    await stack.s3.idle();

    // Act
    const ack = await desk.request({
      action: 'sendmessage',
      conversationId: CONVERSATION,
      text: '',
      image: { key: slot.key, width: 800, height: 600, size: photo.length },
    });
    const seq = Number((ack.message as Frame).seq);
    await waitFor(() => items().some((i) => i.seq === seq), 'the desk picture on the page');
    await waitFor(
      () => items().find((i) => i.seq === seq)?.recalled === true,
      'the tombstone after the risky verdict',
    );

    // Assess
    const row = items().find((i) => i.seq === seq);
    expect(row).toMatchObject({ recalled: true, imageSrc: '', imageStyle: '', imageKey: '' });
    expect(row?.text).not.toBe('');
    expect(images()).toHaveLength(1);
    await screenshotPage(app, page, 'zh-chat-images');
    stack.wechat.configure({ mediaVerdict: 'pass' });
  });
});
