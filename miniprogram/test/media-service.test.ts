/**
 * The mini-program's picture upload (services/media.ts) through the wx shim's uploadFile — a
 * real multipart POST — to the REAL local stack's S3 server, with a slot from the real handlers;
 * the upload is then sent as an image message and delivered. Also preview and cancel.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { type ChatTestClient, connectAs, type Frame } from '../../test/support/chat-client';
import { photoWithLocation } from '../../test/support/images';
import { startTestStack } from '../../test/support/test-stack';
import { previewImage, wxImageUploader } from '../src/services/media';
import { WxShim } from './wx-shim';

let stack: LocalStack;
let dir: string;
let photoPath: string;
let photoSize: number;
let student: ChatTestClient;

beforeAll(async () => {
  stack = await startTestStack({ console: false });
  dir = mkdtempSync(join(tmpdir(), 'campus-chat-media-'));
  const photo = await photoWithLocation(800, 600);
  photoPath = join(dir, 'tmp_photo.jpg');
  writeFileSync(photoPath, photo);
  photoSize = photo.length;
  student = await connectAs(stack, 'mina');
}, 60_000);

afterAll(async () => {
  await student?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function slot(): Promise<Frame> {
  const reply = await student.request({
    action: 'upload',
    conversationId: 'support:mina',
    contentType: 'image/jpeg',
    size: photoSize,
  });
  expect(reply.type, JSON.stringify(reply)).toBe('upload');
  return reply;
}

describe('wxImageUploader', () => {
  it('posts the picked file to the slot with progress, and the image can then be sent', async () => {
    const target = await slot();
    const progress: number[] = [];
    const upload = wxImageUploader(new WxShim({ user: 'mina' }).api()).upload(
      { url: String(target.url), fields: target.fields as Record<string, string> },
      { localPath: photoPath, contentType: 'image/jpeg', size: photoSize, width: 800, height: 600 },
      (p) => progress.push(p),
    );
    await upload.done;
    await stack.s3.idle();
    expect(progress.at(-1)).toBe(1);
    const ack = await student.request({
      action: 'sendmessage',
      conversationId: 'support:mina',
      text: '',
      image: { key: target.key, width: 800, height: 600, size: photoSize },
    });
    expect(ack.type, JSON.stringify(ack)).toBe('ack');
  });

  it('rejects with cancelled when the upload is cancelled', async () => {
    const target = await slot();
    const upload = wxImageUploader(new WxShim({ user: 'mina' }).api()).upload(
      { url: String(target.url), fields: target.fields as Record<string, string> },
      { localPath: photoPath, contentType: 'image/jpeg', size: photoSize, width: 800, height: 600 },
      () => undefined,
    );
    upload.cancel();
    await expect(upload.done).rejects.toMatchObject({ reason: 'cancelled' });
  });

  it('rejects with network when the file is not there', async () => {
    const target = await slot();
    const upload = wxImageUploader(new WxShim({ user: 'mina' }).api()).upload(
      { url: String(target.url), fields: target.fields as Record<string, string> },
      { localPath: join(dir, 'gone.jpg'), contentType: 'image/jpeg', size: 1, width: 1, height: 1 },
      () => undefined,
    );
    await expect(upload.done).rejects.toMatchObject({ reason: 'network' });
  });
});

describe('previewImage', () => {
  it('opens the tapped picture among the others', () => {
    const shim = new WxShim({ user: 'mina' });
    previewImage('https://b/2', ['https://b/1', 'https://b/2'], shim.api());
    previewImage('https://b/9', ['https://b/1'], shim.api());
    expect(shim.previews).toEqual([
      { current: 'https://b/2', urls: ['https://b/1', 'https://b/2'] },
      { current: 'https://b/9', urls: ['https://b/9', 'https://b/1'] },
    ]);
  });
});
