/**
 * WeChat's subscribeMessage.send behind the notifier's SubscribeMessageSender port:
 * `POST /cgi-bin/message/subscribe/send?access_token=…` with `touser`, `template_id`, `page`,
 * `data` (`{ key: { value } }`), `miniprogram_state` and `lang`
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html).
 *
 * The call goes through the shared WeChat API caller (one per process, with the shared access
 * token: 40001/42001 refresh the token once and retry once; -1, 5xx and network failures are
 * retried a few times there). What is left is translated here, and no `errmsg` leaves:
 * - 43101 (the user refused or has no subscription left) → `noSubscription`;
 * - 47003 (a field breaks its rule), 40003 (openid), 40037 (template id), 41030 (page), 45009
 *   (daily quota) → `refused`: retrying cannot help and it is not the user's doing;
 * - a token still refused, WeChat busy or unreachable, our app config refused → `unavailable`
 *   (the stream retries the record, and after the mapping's retries it goes to the DLQ).
 */
import type { SendResult, SubscribeMessage, SubscribeMessageSender } from '../domain/notify-ports';

export const SUBSCRIBE_SEND_PATH = 'cgi-bin/message/subscribe/send';

/** The documented errcodes of subscribeMessage.send that no retry can fix. */
const REFUSED_ERRCODES: ReadonlySet<number> = new Set([40003, 40037, 41030, 45009, 47003]);
export const NO_SUBSCRIPTION_ERRCODE = 43101;

/** The WeChat API caller this adapter needs (functions/adapters/wechat-api.ts). */
export interface WeChatPoster {
  post(path: string, body: unknown): Promise<Record<string, unknown>>;
}

export type MiniprogramState = 'developer' | 'trial' | 'formal';

/** What a caller failure carries (wechat-errors.ts WeChatApiError): a reason and the errcode. */
interface FailureShape {
  readonly reason?: unknown;
  readonly errcode?: unknown;
}

/** The result of a failed call, from the caller's error. */
export function sendFailure(error: unknown): SendResult {
  const { reason, errcode } = (error ?? {}) as FailureShape;
  const code = typeof errcode === 'number' ? errcode : undefined;
  if (code === NO_SUBSCRIPTION_ERRCODE) return { kind: 'noSubscription' };
  if ((code !== undefined && REFUSED_ERRCODES.has(code)) || reason === 'quota')
    return { kind: 'refused', ...(code !== undefined ? { errcode: code } : {}) };
  if (reason === 'rejected')
    return { kind: 'refused', ...(code !== undefined ? { errcode: code } : {}) };
  return { kind: 'unavailable', ...(code !== undefined ? { errcode: code } : {}) };
}

/** A sender over the shared WeChat API caller. */
export function createSubscribeMessageSender(options: {
  readonly api: WeChatPoster;
  readonly miniprogramState: MiniprogramState;
  readonly lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}): SubscribeMessageSender {
  return {
    async send(message: SubscribeMessage): Promise<SendResult> {
      const data = Object.fromEntries(
        Object.entries(message.data).map(([key, value]) => [key, { value }]),
      );
      try {
        await options.api.post(SUBSCRIBE_SEND_PATH, {
          touser: message.touser,
          template_id: message.templateId,
          page: message.page,
          data,
          miniprogram_state: options.miniprogramState,
          lang: options.lang,
        });
        return { kind: 'sent' };
      } catch (error) {
        return sendFailure(error);
      }
    },
  };
}
