/**
 * The WeChat token service and call helper against the local stand-in and DynamoDB Local: the
 * real `wechatTokens` table shared by several "instances" (clients that share nothing but the
 * table), the stand-in's stable_token and msgSecCheck, and every error branch of the helper.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import { type WeChatClient, createWeChatClient } from '../functions/adapters/wechat-client';
import { WeChatApiError } from '../functions/adapters/wechat-errors';
import type { LocalStack } from '../local/local-stack';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ console: false });
});

afterAll(async () => {
  await stack.stop();
});

beforeEach(() => {
  stack.wechat.reset();
});

/** A fresh process's client: its own memory, the shared table. */
function instance(): WeChatClient {
  return createWeChatClient({
    db: createDocumentClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }),
    tokenTable: stack.tables.wechatTokens,
    baseUrl: `${stack.urls.http}/wechat`,
    appId: process.env.WECHAT_APPID ?? '',
    appSecret: async () => process.env.WECHAT_SECRET ?? '',
  });
}

const check = (client: WeChatClient, content = 'hello') =>
  client.api.post('wxa/msg_sec_check', { content, version: 2, scene: 2, openid: 'alice' });

async function failure(promise: Promise<unknown>): Promise<WeChatApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WeChatApiError);
  return error as WeChatApiError;
}

describe('the shared access token', () => {
  it('is fetched once for several instances starting together, and reused by a later one', async () => {
    // Prepare: this file's table has no token yet, as after a first deploy
    const instances = Array.from({ length: 5 }, () => instance());

    // Act
    const replies = await Promise.all(instances.map((c) => check(c)));
    const late = await check(instance());

    // Assert
    for (const reply of [...replies, late])
      expect(reply.result).toEqual({ suggest: 'pass', label: 100 });
    expect(stack.wechat.calls.stableToken).toEqual([{ forceRefresh: false }]);
    expect(stack.wechat.calls.msgSecCheck).toHaveLength(6);
  });
});

describe('the WeChat call helper', () => {
  it('on 40001 refreshes once and retries once: a normal fetch, then force when the same token comes back', async () => {
    // Prepare
    const client = instance();
    await check(client);
    stack.wechat.reset();
    stack.wechat.failNext('msg_sec_check', 40001);

    // Act
    const reply = await check(client);

    // Assert
    expect(reply.errcode).toBe(0);
    expect(stack.wechat.calls.msgSecCheck).toHaveLength(2);
    expect(stack.wechat.calls.stableToken).toEqual([
      { forceRefresh: false },
      { forceRefresh: true },
    ]);
  });

  it('picks up a token replaced elsewhere with one normal-mode fetch', async () => {
    // Prepare
    const client = instance();
    await check(client);
    stack.wechat.reset();
    stack.wechat.invalidateToken();

    // Act
    const reply = await check(client);

    // Assert
    expect(reply.errcode).toBe(0);
    expect(stack.wechat.calls.stableToken).toEqual([{ forceRefresh: false }]);
  });

  it('gives up with tokenInvalid when the refreshed token is refused too (no loop)', async () => {
    // Prepare
    const client = instance();
    await check(client);
    stack.wechat.reset();
    stack.wechat.failNext('msg_sec_check', 42001, 5);

    // Act
    const error = await failure(check(client));

    // Assert
    expect(error.reason).toBe('tokenInvalid');
    expect(stack.wechat.calls.msgSecCheck).toHaveLength(2);
  });

  it('reports 45009 (daily quota) at once, without retrying', async () => {
    // Prepare
    const client = instance();
    await check(client);
    stack.wechat.reset();
    stack.wechat.failNext('msg_sec_check', 45009, 5);

    // Act
    const error = await failure(check(client));

    // Assert
    expect([error.reason, error.errcode]).toEqual(['quota', 45009]);
    expect(stack.wechat.calls.msgSecCheck).toHaveLength(1);
  });

  it('retries -1 (system busy) and HTTP 500 a bounded number of times', async () => {
    // Prepare
    const client = instance();
    await check(client);
    stack.wechat.reset();
    stack.wechat.failNext('msg_sec_check', -1);
    stack.wechat.failNext('msg_sec_check', 500);

    // Act
    const recovered = await check(client);
    stack.wechat.reset();
    stack.wechat.failNext('msg_sec_check', -1, 10);
    const error = await failure(check(client));

    // Assert
    expect(recovered.errcode).toBe(0);
    expect(error.reason).toBe('unavailable');
    expect(stack.wechat.calls.msgSecCheck).toHaveLength(3);
  });

  it('reports a wrong app secret on the token endpoint as a configuration failure', async () => {
    // Prepare
    stack.wechat.invalidateToken();
    stack.wechat.failNext('stable_token', 40125);
    const client = instance();

    // Act
    const error = await failure(check(client));

    // Assert
    expect([error.reason, error.api]).toEqual(['config', 'cgi-bin/stable_token']);
    expect(error.message).not.toContain('stand-in failure');
  });
});
