/**
 * WeChat's picture check (security.mediaCheckAsync v2) over the real local stack: real WebSockets,
 * the real S3 server (s3rver), DynamoDB Local, and the WeChat stand-in that downloads media_url
 * and pushes its verdict, signed, to POST /wechat-push (functions/domain/image-check.ts).
 */
import { GetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { displayKey, parseUploadKey, thumbKey } from '../functions/domain/image-keys';
import type { LocalStack } from '../local/local-stack';
import { type ChatTestClient, connectAs, type Frame, nextId } from './support/chat-client';
import { photoWithLocation, postToSlot } from './support/images';
import { startTestStack } from './support/test-stack';
import { localPushToken, sendPush } from './support/wechat-push';

let stack: LocalStack;
let roomId: string;
let alice: ChatTestClient;
let bob: ChatTestClient;
let bobPhone: ChatTestClient;
let admin: ChatTestClient;
let photo: Buffer;
let s3: S3Client;
let db: DynamoDBClient;
const open: ChatTestClient[] = [];

async function client(name: string): Promise<ChatTestClient> {
  const c = await connectAs(stack, name);
  open.push(c);
  return c;
}

/** Uploads `photo` and sends it as alice; resolves with the ack's message. */
async function sendPhoto(): Promise<Frame> {
  const slot = await alice.request({
    action: 'upload',
    conversationId: roomId,
    contentType: 'image/jpeg',
    size: photo.length,
  });
  expect(await postToSlot(slot, photo, 'image/jpeg')).toBe(204);
  await stack.s3.idle();
  const ack = await alice.request({
    action: 'sendmessage',
    id: nextId('img'),
    conversationId: roomId,
    text: '',
    image: { key: slot.key, width: 1600, height: 1200, size: photo.length },
  });
  expect(ack.type, JSON.stringify(ack)).toBe('ack');
  return ack.message as Frame;
}

/** Whether the object exists in the local S3 server. */
async function exists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: stack.s3.buckets.images, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return false;
    }
    throw error;
  }
}

function objectsOf(key: string): string[] {
  const parsed = parseUploadKey(key);
  if (!parsed) throw new Error(`not an upload key ${key}`);
  return [key, displayKey(parsed), thumbKey(parsed)];
}

async function moderationItem(messageKey: string, entry: string) {
  const { Item } = await db.send(
    new GetItemCommand({
      TableName: stack.tables.moderation,
      Key: { messageKey: { S: messageKey }, entry: { S: entry } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

async function synced(seq: number): Promise<Frame | undefined> {
  const page = await bob.request({
    action: 'sync',
    conversationId: roomId,
    after: seq - 1,
    limit: 1,
  });
  return (page.messages as Frame[])[0];
}

/** A push to the stack's push route, signed with `token`. */
const push = (
  body: object,
  token: string,
  method: 'GET' | 'POST' = 'POST',
  extra: Record<string, string> = {},
) => sendPush(stack, body, token, method, extra);

const pushToken = localPushToken;

beforeAll(async () => {
  stack = await startTestStack({ console: false });
  s3 = new S3Client({
    endpoint: stack.s3.endpoint,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
  db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: process.env.AWS_REGION });
  photo = await photoWithLocation(800, 600);
  alice = await client('alice');
  bob = await client('bob');
  bobPhone = await client('bob');
  admin = await client('admin');
  roomId = String(
    ((await admin.request({ action: 'createroom', title: 'Checked' })).conversation as Frame).id,
  );
  await alice.request({ action: 'join', conversationId: roomId });
  await bob.request({ action: 'join', conversationId: roomId });
}, 60_000);

beforeEach(() => {
  stack.wechat.reset();
});

afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  s3?.destroy();
  db?.destroy();
  await stack?.stop();
});

describe('submitting each picture to mediaCheckAsync', () => {
  it('submits the display copy with a media_url WeChat can download, and a pass changes nothing', async () => {
    // Arrange
    stack.wechat.configure({ mediaVerdict: 'pass', mediaPushDelayMs: 10 });

    // Act
    const message = await sendPhoto();
    await stack.wechat.pushesSettled();

    // Assess
    const [call] = stack.wechat.media.calls;
    expect(stack.wechat.media.calls).toHaveLength(1);
    expect(call).toMatchObject({ mediaType: 2, version: 2, scene: 2, openid: 'alice' });
    expect(call?.fetched).toMatchObject({ status: 200 });
    // What WeChat fetched is the EXIF-free display copy, a real JPEG.
    const fetched = Buffer.from(await (await fetch(String(call?.mediaUrl))).arrayBuffer());
    const meta = await sharp(fetched).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(call?.mediaUrl).toContain(
      displayKey(parseUploadKey(String((message.image as Frame).key))!),
    );
    expect(stack.wechat.media.pushes).toEqual([
      { traceId: call?.traceId, status: 200, body: 'success' },
    ]);
    const check = await moderationItem(`check#${call?.traceId}`, 'mediaCheck');
    expect(check?.verdict?.S).toBe('pass');
    expect(check?.conversationId?.S).toBe(roomId);
    for (const key of objectsOf(String((message.image as Frame).key))) {
      expect(await exists(key)).toBe(true);
    }
    const later = await synced(Number(message.seq));
    expect(later?.recalled).toBeUndefined();
    expect((later?.image as Frame).url).toBeTypeOf('string');
  });

  it('refuses the send when WeChat cannot take the check (fail closed), storing nothing', async () => {
    // Arrange
    stack.wechat.failNext('media_check_async', 45009);
    const slot = await alice.request({
      action: 'upload',
      conversationId: roomId,
      contentType: 'image/jpeg',
      size: photo.length,
    });
    await postToSlot(slot, photo, 'image/jpeg');
    await stack.s3.idle();
    const before = await bob.request({
      action: 'sync',
      conversationId: roomId,
      after: 0,
      limit: 200,
    });

    // Act
    const reply = await alice.request({
      action: 'sendmessage',
      id: nextId('img'),
      conversationId: roomId,
      text: '',
      image: { key: slot.key, width: 800, height: 600, size: photo.length },
    });

    // Assess
    expect(reply).toMatchObject({ type: 'error', code: 'UNAVAILABLE' });
    const after = await bob.request({
      action: 'sync',
      conversationId: roomId,
      after: 0,
      limit: 200,
    });
    expect((after.messages as Frame[]).length).toBe((before.messages as Frame[]).length);
  });
});

describe('a risky verdict', () => {
  it('deletes the objects, tombstones the message and tells every member connection', async () => {
    // Arrange
    stack.wechat.configure({ mediaVerdict: 'risky', mediaPushDelayMs: 10 });

    // Act
    const message = await sendPhoto();
    const seq = Number(message.seq);
    const isNotice = (f: Frame) =>
      f.type === 'recalled' && f.conversationId === roomId && f.seq === seq;
    const notices = await Promise.all(
      [alice, bob, bobPhone, admin].map((c) => c.next(isNotice, 10_000, 'recalled notice')),
    );
    await stack.wechat.pushesSettled();

    // Assess
    for (const notice of notices) expect(notice.recalled).toBe('admin');
    for (const key of objectsOf(String((message.image as Frame).key))) {
      expect(await exists(key)).toBe(false);
    }
    const later = await synced(seq);
    expect(later).toMatchObject({ seq, recalled: 'admin', text: '' });
    expect((later?.image as Frame | undefined)?.url).toBeUndefined();
    const takedown = await moderationItem(`${roomId}#${seq}`, 'takedown');
    expect(takedown?.actorId?.S).toBe('wechat:mediaCheckAsync');
    const [call] = stack.wechat.media.calls;
    expect((await moderationItem(`check#${call?.traceId}`, 'mediaCheck'))?.verdict?.S).toBe(
      'risky',
    );
    // The conversation's preview (its last message is this one) is emptied.
    const list = await bob.request({ action: 'rooms' });
    const room = (list.rooms as Frame[]).find((r) => r.id === roomId);
    expect(room?.lastMessage).toMatchObject({ seq, recalled: 'admin', text: '' });
  });

  it('is applied once when WeChat pushes the same verdict again', async () => {
    // Arrange
    stack.wechat.configure({ mediaVerdict: 'risky', mediaPushDelayMs: 10 });
    const message = await sendPhoto();
    const seq = Number(message.seq);
    const isNotice = (f: Frame) =>
      f.type === 'recalled' && f.conversationId === roomId && f.seq === seq;
    await bob.next(isNotice);
    await stack.wechat.pushesSettled();
    const [call] = stack.wechat.media.calls;
    const firstRecord = await moderationItem(`${roomId}#${seq}`, 'takedown');

    // Act
    const repeat = await stack.wechat.media.repush(String(call?.traceId));
    // A message after the repeat: every frame bob gets before it came before it.
    const marker = await alice.request({
      action: 'sendmessage',
      id: nextId('after'),
      conversationId: roomId,
      text: 'after the repeat',
    });
    await bob.next(
      (f) => f.type === 'message' && (f.message as Frame).seq === (marker.message as Frame).seq,
    );

    // Assess
    expect(repeat).toMatchObject({ status: 200, body: 'success' });
    expect(bob.frames.filter(isNotice)).toHaveLength(1);
    expect(await moderationItem(`${roomId}#${seq}`, 'takedown')).toEqual(firstRecord);
  });
});

describe('the push route', () => {
  it('refuses a push with a bad signature and changes nothing', async () => {
    // Arrange: WeChat has not answered yet, so a risky push would act on this picture.
    stack.wechat.configure({ mediaVerdict: 'silent', mediaPushDelayMs: 10 });
    const message = await sendPhoto();
    await stack.wechat.pushesSettled();
    const [call] = stack.wechat.media.calls;
    const forged = {
      MsgType: 'event',
      Event: 'wxa_media_check',
      trace_id: call?.traceId,
      version: 2,
      result: { suggest: 'risky', label: 20002 },
    };
    const seq = Number(message.seq);

    // Act
    const answer = await push(forged, 'not-the-token');

    // Assess
    expect(answer.status).toBe(401);
    expect(answer.body).not.toContain('success');
    for (const key of objectsOf(String((message.image as Frame).key))) {
      expect(await exists(key)).toBe(true);
    }
    expect((await synced(seq))?.recalled).toBeUndefined();
    expect(await moderationItem(`${roomId}#${seq}`, 'takedown')).toBeUndefined();
    // The same body signed with the Token is acted on: only the signature made the difference.
    expect(await push(forged, pushToken())).toEqual({ status: 200, body: 'success' });
    expect((await synced(seq))?.recalled).toBe('admin');
  });

  it('answers WeChat URL verification with echostr only when signed', async () => {
    // Act
    const good = await push({}, pushToken(), 'GET', { echostr: '4375120948345356249' });
    const bad = await push({}, 'wrong', 'GET', { echostr: '4375120948345356249' });

    // Assess
    expect(good).toEqual({ status: 200, body: '4375120948345356249' });
    expect(bad.status).toBe(401);
    expect(bad.body).toBe('');
  });

  it('answers success to events it does not handle and to unknown traces', async () => {
    // Act
    const other = await push({ MsgType: 'event', Event: 'user_enter_tempsession' }, pushToken());
    const unknown = await push(
      {
        MsgType: 'event',
        Event: 'wxa_media_check',
        trace_id: 'never-submitted',
        version: 2,
        result: { suggest: 'risky', label: 20002 },
      },
      pushToken(),
    );
    const encrypted = await push({ Encrypt: 'abc' }, pushToken());

    // Assess
    expect(other).toEqual({ status: 200, body: 'success' });
    expect(unknown).toEqual({ status: 200, body: 'success' });
    expect(encrypted.status).toBe(400);
  });
});

describe('taking a picture down by hand', () => {
  it("deletes the picture's objects when its sender recalls it", async () => {
    // Arrange
    stack.wechat.configure({ mediaVerdict: 'pass', mediaPushDelayMs: 10 });
    const message = await sendPhoto();
    await stack.wechat.pushesSettled();
    const keys = objectsOf(String((message.image as Frame).key));
    for (const key of keys) expect(await exists(key)).toBe(true);

    // Act
    const notice = await alice.request({
      action: 'recall',
      conversationId: roomId,
      seq: message.seq,
    });

    // Assess
    expect(notice).toMatchObject({ type: 'recalled', recalled: 'sender' });
    for (const key of keys) expect(await exists(key)).toBe(false);
    const later = await synced(Number(message.seq));
    expect(later).toMatchObject({ recalled: 'sender', text: '' });
    expect((later?.image as Frame | undefined)?.url).toBeUndefined();
  });

  it("deletes the picture's objects when an admin removes it, and a repeat is harmless", async () => {
    // Arrange
    stack.wechat.configure({ mediaVerdict: 'pass', mediaPushDelayMs: 10 });
    const message = await sendPhoto();
    await stack.wechat.pushesSettled();
    const keys = objectsOf(String((message.image as Frame).key));

    // Act
    const first = await admin.request({
      action: 'remove',
      conversationId: roomId,
      seq: message.seq,
      reason: 'not for this room',
    });
    const again = await admin.request({
      action: 'remove',
      conversationId: roomId,
      seq: message.seq,
    });

    // Assess
    expect(first).toMatchObject({ type: 'recalled', recalled: 'admin' });
    expect(again).toMatchObject({ type: 'recalled', recalled: 'admin' });
    for (const key of keys) expect(await exists(key)).toBe(false);
    expect((await synced(Number(message.seq)))?.recalled).toBe('admin');
  });
});
