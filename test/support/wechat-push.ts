/**
 * A request to the stack's message-push route (/wechat-push) as WeChat sends it: the signature of
 * `token`, a timestamp and a nonce in the query, the event as JSON (POST) or the URL check (GET).
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import { pushSignature } from '../../functions/domain/wechat-push-signature';
import type { LocalStack } from '../../local/local-stack';

/** The local stack's push Token (local-stack.ts sets it in this process). */
export function localPushToken(): string {
  return process.env.WECHAT_PUSH_TOKEN ?? '';
}

/** Sends one push; resolves with WeChat's view of the answer. */
export async function sendPush(
  stack: Pick<LocalStack, 'urls'>,
  body: object,
  token: string,
  method: 'GET' | 'POST' = 'POST',
  extra: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = '12345';
  const url = new URL(`${stack.urls.http}/wechat-push`);
  url.searchParams.set('signature', pushSignature(token, timestamp, nonce));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  const response = await fetch(url, {
    method,
    ...(method === 'POST'
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  return { status: response.status, body: await response.text() };
}
