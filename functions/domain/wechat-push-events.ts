/**
 * The events of WeChat's message push (消息推送) this server handles, from the push body in the
 * JSON data format and plain-text mode (明文模式):
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 * Safe mode (安全模式, an `Encrypt` field, `encrypt_type=aes`) is not supported: such a push is
 * refused (docs/deploy.md "Message push" says to choose plain text and JSON).
 *
 * `wxa_media_check` (mediaCheckAsync v2): `{ToUserName, FromUserName, CreateTime, MsgType:
 * "event", Event: "wxa_media_check", appid, trace_id, version: 2, result: {suggest, label},
 * detail: [...], errcode?, errmsg?}`; `label` arrives as a number or a numeric string.
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/mediaCheckAsync.html
 */
import type { MediaCheckVerdict } from './image-check';

export type PushEvent =
  | { readonly kind: 'mediaCheck'; readonly verdict: MediaCheckVerdict }
  | { readonly kind: 'encrypted' }
  | { readonly kind: 'other'; readonly event: string }
  | { readonly kind: 'malformed' };

/** The event a push body carries. */
export function parsePushBody(body: string): PushEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: 'malformed' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { kind: 'malformed' };
  }
  const push = parsed as Record<string, unknown>;
  if (typeof push.Encrypt === 'string') return { kind: 'encrypted' };
  const event = typeof push.Event === 'string' ? push.Event : '';
  if (event !== 'wxa_media_check') return { kind: 'other', event: event.slice(0, 64) };
  const traceId = push.trace_id;
  if (typeof traceId !== 'string' || traceId.length === 0 || traceId.length > 128) {
    return { kind: 'malformed' };
  }
  const result = (push.result ?? {}) as Record<string, unknown>;
  const suggest = result.suggest;
  const label = Number(result.label);
  const errcode = typeof push.errcode === 'number' ? push.errcode : Number(push.errcode ?? 0);
  return {
    kind: 'mediaCheck',
    verdict: {
      traceId,
      suggest:
        errcode === 0 && (suggest === 'pass' || suggest === 'review' || suggest === 'risky')
          ? suggest
          : undefined,
      label: Number.isFinite(label) && result.label !== undefined ? label : undefined,
      errcode: Number.isFinite(errcode) ? errcode : -1,
    },
  };
}
