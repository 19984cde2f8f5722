/**
 * code2Session error mapping. WeChat's servers cannot be reached from here, so `fetch` answers as
 * WeChat documents it (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html).
 */
import { describe, expect, it } from 'vitest';
import { createWeChatSessionClient, WeChatLoginError } from './wechat-session';

function answering(status: number, body: string): { fetch: typeof fetch; urls: URL[] } {
  const urls: URL[] = [];
  const fake = (async (input: string | URL | Request) => {
    urls.push(new URL(String(input)));
    return new Response(body, { status, headers: { 'content-type': 'text/plain' } });
  }) as typeof fetch;
  return { fetch: fake, urls };
}

function client(fetchImpl: typeof fetch) {
  return createWeChatSessionClient({
    baseUrl: 'https://api.weixin.qq.com',
    appId: 'wx1',
    appSecret: 's3',
    fetch: fetchImpl,
  });
}

describe('code2Session', () => {
  it('sends the documented query and returns the openid', async () => {
    const wechat = answering(200, '{"openid":"oAbc","session_key":"k=="}');

    const result = await client(wechat.fetch).exchange('0a1b');

    expect(result).toEqual({ openid: 'oAbc' });
    expect(wechat.urls[0]?.pathname).toBe('/sns/jscode2session');
    expect(Object.fromEntries(wechat.urls[0]?.searchParams ?? [])).toEqual({
      appid: 'wx1',
      secret: 's3',
      js_code: '0a1b',
      grant_type: 'authorization_code',
    });
  });

  it.each([
    ['{"errcode":40029,"errmsg":"invalid code"}', 'invalidCode'],
    ['{"errcode":40163,"errmsg":"code been used"}', 'invalidCode'],
    ['{"errcode":45011,"errmsg":"api minute-quota reach limit"}', 'rateLimited'],
    ['{"errcode":40226,"errmsg":"code blocked"}', 'blockedUser'],
    ['{"errcode":-1,"errmsg":"system error"}', 'unavailable'],
    ['<html>bad gateway</html>', 'unavailable'],
  ])('maps %s to %s', async (body, reason) => {
    const error = await client(answering(200, body).fetch)
      .exchange('x')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WeChatLoginError);
    expect((error as WeChatLoginError).reason).toBe(reason);
  });

  it('treats an HTTP failure as unavailable', async () => {
    const error = await client(answering(502, 'Bad Gateway').fetch)
      .exchange('x')
      .catch((e: unknown) => e);

    expect((error as WeChatLoginError).reason).toBe('unavailable');
  });
});
