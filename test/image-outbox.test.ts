/**
 * Image messages through the client core's outbox (ChatClient.sendImage) against the real local
 * stack and its S3 server: the picture is uploaded through an ImageUploadPort (here fetch with
 * FormData, as the console posts), the message is sent with the same idempotent id and delivered;
 * an app killed after the upload restarts from storage and sends without uploading again.
 */
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChatClient,
  type ImageUploadPort,
  MemoryStorage,
  UploadFailedError,
} from '../client/index';
import type { OutboxEntry } from '../client/outbox';
import { devLogin } from '../client/testing/dev-login';
import { wsTransport } from '../client/testing/ws-transport';
import type { LocalStack } from '../local/local-stack';
import { connectAs, type ChatTestClient, type Frame } from './support/chat-client';
import { photoWithLocation } from './support/images';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let dir: string;
let photoPath: string;
let photoSize: number;
let desk: ChatTestClient;
const clients: ChatClient[] = [];

/** fetch + FormData from a local file path; counts uploads; can be held before it finishes. */
function fetchUploader(afterUpload: () => void = () => undefined) {
  let uploads = 0;
  const port: ImageUploadPort = {
    upload(target, image, onProgress) {
      const abort = new AbortController();
      const done = (async () => {
        const bytes = await readFile(image.localPath);
        const form = new FormData();
        for (const [k, v] of Object.entries(target.fields)) form.append(k, v);
        form.append(
          'file',
          new Blob([new Uint8Array(bytes)], { type: image.contentType }),
          'p.jpg',
        );
        let response: Response;
        try {
          response = await fetch(target.url, { method: 'POST', body: form, signal: abort.signal });
        } catch {
          throw new UploadFailedError(abort.signal.aborted ? 'cancelled' : 'network');
        }
        await response.arrayBuffer();
        if (response.status >= 300) throw new UploadFailedError('refused', response.status);
        uploads++;
        onProgress(1);
        await stack.s3.idle();
        afterUpload();
      })();
      return { done, cancel: () => abort.abort() };
    },
  };
  return { port, count: () => uploads };
}

async function client(storage: MemoryStorage, port: ImageUploadPort): Promise<ChatClient> {
  const session = await devLogin(stack.urls.login, 'nora', 'Nora', 8000);
  const c = new ChatClient({
    url: stack.urls.websocket,
    transport: wsTransport(),
    session: () => Promise.resolve(session),
    storage,
    imageUploader: port,
  });
  clients.push(c);
  await c.start();
  return c;
}

/** The outbox as stored: an index of ids (`v: 2`) and one key per entry (client/outbox.ts). */
function stored(storage: MemoryStorage): OutboxEntry[] {
  const key = 'campus-chat.outbox';
  const index = JSON.parse(storage.values.get(key) ?? '{"ids":[]}') as { ids: string[] };
  return index.ids.map(
    (id) => JSON.parse(storage.values.get(`${key}.${id}`) ?? 'null') as OutboxEntry,
  );
}

beforeAll(async () => {
  stack = await startTestStack({ console: false });
  dir = mkdtempSync(join(tmpdir(), 'campus-chat-outbox-img-'));
  const photo = await photoWithLocation(900, 700);
  photoPath = join(dir, 'photo.jpg');
  writeFileSync(photoPath, photo);
  photoSize = photo.length;
  desk = await connectAs(stack, 'admin');
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.stop();
  await desk?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const image = () => ({
  localPath: photoPath,
  contentType: 'image/jpeg',
  size: photoSize,
  width: 900,
  height: 700,
});

describe('ChatClient.sendImage', () => {
  it('uploads, sends with the entry id, and the desk gets the image with a working URL', async () => {
    const storage = new MemoryStorage();
    const uploader = fetchUploader();
    const nora = await client(storage, uploader.port);
    const progress: number[] = [];
    nora.on('uploadProgress', (p) => progress.push(p.fraction));

    const entry = nora.sendImage('support:nora', image(), 'the receipt');
    const atDesk = await desk.next(
      (f) => f.type === 'message' && (f.message as Frame).clientId === entry.clientId,
      20_000,
    );

    const message = atDesk.message as Frame;
    expect(message.text).toBe('the receipt');
    const sent = message.image as Record<string, string>;
    expect(sent.size).toBe(photoSize);
    expect((await fetch(sent.thumbUrl as string)).status).toBe(200);
    expect(uploader.count()).toBe(1);
    expect(progress.at(-1)).toBe(1);
    expect(stored(storage)).toEqual([]);
  });

  it('survives a kill after the upload: the restarted app sends the stored key, uploading nothing', async () => {
    // Prepare: a first run whose connection never gets to send (the app is killed first).
    const storage = new MemoryStorage();
    const app: { client?: ChatClient } = {};
    // The app is killed the moment S3 has the file, before the message could go out.
    const first = fetchUploader(() => app.client?.stop());
    app.client = await client(storage, first.port);
    const entry = app.client.sendImage('support:nora', image());
    for (let i = 0; i < 400 && !stored(storage)[0]?.image?.key; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const left = stored(storage);
    const before = await desk.request({ action: 'sync', conversationId: 'support:nora', after: 0 });

    // Act: a new app on the same storage.
    const second = fetchUploader();
    await client(storage, second.port);
    const atDesk = await desk.next(
      (f) => f.type === 'message' && (f.message as Frame).clientId === entry.clientId,
      20_000,
    );

    // Assess
    expect(left).toMatchObject([
      { clientId: entry.clientId, state: 'sending', image: { localPath: photoPath } },
    ]);
    expect(left[0]?.image?.key).toMatch(/^up\//);
    expect((before.messages as Frame[]).some((m) => m.clientId === entry.clientId)).toBe(false);
    expect(first.count()).toBe(1);
    expect(second.count()).toBe(0);
    expect(((atDesk.message as Frame).image as Frame).key).toBeDefined();
    // Exactly one message for the entry, whichever run's send got through.
    const page = await desk.request({ action: 'sync', conversationId: 'support:nora', after: 0 });
    const same = (page.messages as Frame[]).filter((m) => m.clientId === entry.clientId);
    expect(same).toHaveLength(1);
  });

  it('refuses HEIC before anything is queued', async () => {
    const nora = await client(new MemoryStorage(), fetchUploader().port);
    expect(() => nora.sendImage('support:nora', { ...image(), contentType: 'image/heic' })).toThrow(
      UploadFailedError,
    );
  });
});
