/**
 * login() with WeChat failing in the ways code2Session documents
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html) and
 * with the network failing: the reply carries a fixed message of ours, the detail goes to the log.
 */
import { describe, expect, it } from 'vitest';
import type { UserRecord, UserStore } from '../domain/ports';
import { login } from './login';
import { createTokenService } from './tokens';
import { createWeChatSessionClient, type WeChatFailure } from './wechat-session';

function memoryUsers(): Pick<UserStore, 'get' | 'recordLogin'> {
  const users = new Map<string, UserRecord>();
  return {
    get: async (userId) => users.get(userId),
    recordLogin: async (user, at) => {
      const record = { ...user, blocked: false, createdAt: at, lastLoginAt: at };
      users.set(user.userId, record);
      return record;
    },
  };
}

async function loginWith(fetchImpl: typeof fetch, body = '{"code":"0a1b"}') {
  const logged: [WeChatFailure, string][] = [];
  const result = await login(
    {
      users: memoryUsers(),
      wechat: createWeChatSessionClient({
        baseUrl: 'https://api.weixin.qq.com',
        appId: 'wx1',
        appSecret: 's3',
        fetch: fetchImpl,
      }),
      tokens: createTokenService({ secret: new Uint8Array(32).fill(7), ttlSeconds: 600 }),
      roleOf: async (userId) => (userId === 'admin' ? 'admin' : 'student'),
      reservedNames: ['Study-room desk'],
      now: Date.now,
      logFailure: (reason, detail) => logged.push([reason, detail]),
      content: { check: async () => ({ suggest: 'pass', label: 'other', traceIds: [] }) },
      log: { debug() {}, info() {}, warn() {}, error() {} },
    },
    body,
  );
  return { result, logged };
}

const answering = (body: string) =>
  (async () =>
    new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } })) as typeof fetch;

describe('login failures', () => {
  it('never returns the network error text', async () => {
    const { result, logged } = await loginWith((async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch);

    expect(result.status).toBe(503);
    expect(JSON.stringify(result.body)).not.toContain('fetch failed');
    expect(logged[0]?.[1]).toContain('fetch failed');
  });

  it('never returns WeChat errcode or errmsg', async () => {
    const { result } = await loginWith(
      answering('{"errcode":-1,"errmsg":"system busy rid: 6f2a"}'),
    );

    expect(result.status).toBe(503);
    expect(JSON.stringify(result.body)).not.toMatch(/-1|busy|rid|errcode/);
  });

  it('refuses a student name that reads as the desk and a name with a bidi override', async () => {
    const fine = answering('{"openid":"oStudent","session_key":"k=="}');
    const desk = await loginWith(fine, '{"code":"0a1b","name":"study room DESK"}');
    const bidi = await loginWith(fine, '{"code":"0a1b","name":"Ann\\u202egpj.exe"}');

    expect([desk.result.status, bidi.result.status]).toEqual([400, 400]);
    expect(desk.result.body).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });
});
