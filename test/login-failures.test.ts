/**
 * POST /login when WeChat fails, and the display-name rules, through the real local HTTP API: the
 * client gets our fixed message for each documented failure, never WeChat's text or a network
 * error's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;

beforeAll(async () => {
  // The stand-in answers a wrong appid with {"errcode":40013,"errmsg":"invalid appid"}, an error
  // code the login does not know: the path where WeChat's text used to reach the client.
  stack = await startTestStack({ env: { WECHAT_APPID: 'wx-not-registered' } });
});

afterAll(async () => {
  await stack.stop();
});

describe('POST /login when WeChat refuses', () => {
  it('answers 503 UNAVAILABLE with our own message, not the upstream errcode or errmsg', async () => {
    const response = await fetch(stack.urls.login, {
      method: 'POST',
      body: JSON.stringify({ code: 'dev-ann' }),
    });
    const body = (await response.json()) as { error: { code: string; message: string } };

    expect(response.status).toBe(503);
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(body.error.message).toBe('the login service cannot be reached; retry');
    expect(JSON.stringify(body)).not.toMatch(/40013|appid|errcode|code2Session/i);
  });
});
