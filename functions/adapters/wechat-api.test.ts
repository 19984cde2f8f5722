/**
 * `postForImage` against a real HTTP server that answers as WeChat documents image APIs
 * (wxacode.getUnlimited): the image on success, JSON `{errcode, errmsg}` on failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWeChatApi } from './wechat-api';
import { WeChatApiError } from './wechat-errors';

type Answer = { status?: number; type: string; body: Buffer | string };
const answers: Answer[] = [];
const seenTokens: string[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    seenTokens.push(new URL(request.url ?? '/', 'http://x').searchParams.get('access_token') ?? '');
    const next = answers.shift() ?? { type: 'application/json', body: '{"errcode":-1}' };
    response.writeHead(next.status ?? 200, { 'content-type': next.type });
    response.end(next.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function api() {
  let n = 0;
  return createWeChatApi({
    baseUrl,
    tokens: { token: async () => `token-${n}`, refresh: async () => `token-${++n}` },
    backoffMs: 1,
  });
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const json = (body: object): Answer => ({ type: 'text/plain', body: JSON.stringify(body) });

async function failure(promise: Promise<unknown>): Promise<WeChatApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WeChatApiError)) throw new Error(`expected a WeChatApiError: ${error}`);
  return error;
}

describe('postForImage', () => {
  it('answers the image bytes and their type', async () => {
    answers.push({ type: 'image/png', body: PNG });
    const image = await api().postForImage('wxa/getwxacodeunlimit', { scene: 'x' }, 1024);
    expect({ type: image.contentType, bytes: Buffer.from(image.bytes) }).toEqual({
      type: 'image/png',
      bytes: PNG,
    });
  });

  it('refreshes a refused token once, then answers the image', async () => {
    seenTokens.length = 0;
    answers.push(json({ errcode: 40001, errmsg: 'invalid credential' }), {
      type: 'image/jpeg',
      body: PNG,
    });
    const image = await api().postForImage('wxa/getwxacodeunlimit', {}, 1024);
    expect({ type: image.contentType, tokens: seenTokens }).toEqual({
      type: 'image/jpeg',
      tokens: ['token-0', 'token-1'],
    });
  });

  it('turns errcodes into reasons: 45009 quota, 41030 rejected', async () => {
    answers.push(
      json({ errcode: 45009, errmsg: 'quota' }),
      json({ errcode: 41030, errmsg: 'page' }),
    );
    const quota = await failure(api().postForImage('wxa/getwxacodeunlimit', {}, 1024));
    const page = await failure(api().postForImage('wxa/getwxacodeunlimit', {}, 1024));
    expect([quota.reason, quota.errcode, page.reason, page.errcode]).toEqual([
      'quota',
      45009,
      'rejected',
      41030,
    ]);
  });

  it('refuses an image larger than the bound, and JSON without an image', async () => {
    answers.push({ type: 'image/png', body: Buffer.alloc(2048, 1) }, json({ errcode: 0 }));
    const big = await failure(api().postForImage('wxa/getwxacodeunlimit', {}, 1024));
    const none = await failure(api().postForImage('wxa/getwxacodeunlimit', {}, 1024));
    expect([big.reason, none.reason]).toEqual(['rejected', 'rejected']);
  });

  it('keeps post() JSON-only: an image there is not a reply', async () => {
    answers.push(
      { type: 'image/png', body: PNG },
      { type: 'image/png', body: PNG },
      {
        type: 'image/png',
        body: PNG,
      },
    );
    const error = await failure(api().post('wxa/msg_sec_check', {}));
    expect(error.reason).toBe('unavailable');
  });
});
