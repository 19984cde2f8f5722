/**
 * The one way a function calls a WeChat server API that takes an `access_token` (msgSecCheck
 * today; subscribe messages and media checks later): `createWeChatApi(...).post(path, body)`.
 *
 * - 40001/40014/42001 (token invalid or expired): one refresh through the shared token service
 *   (wechat-token.ts), then one retry; refused again, `tokenInvalid`.
 * - 45009 (daily quota): `quota` at once, never retried — a loop would only spend tomorrow's.
 * - -1 (system busy), HTTP 5xx, timeouts, network errors: retried up to `busyAttempts` in all,
 *   with a short backoff, then `unavailable`.
 * - anything else: `WeChatApiError` with its reason (wechat-errors.ts).
 *
 * Every failure leaves as a WeChatApiError; WeChat's own `errmsg` is never passed on.
 */
import { WeChatApiError, reasonForErrcode } from './wechat-errors';
import { type AccessTokenProvider, apiUrl } from './wechat-token';

/** What a successful call answers: WeChat's JSON with errcode 0 (or none). */
export type WeChatReply = Record<string, unknown>;

export interface WeChatApi {
  /** POSTs `body` as JSON to `{base}/{path}?access_token=…`; rejects with WeChatApiError. */
  post(path: string, body: unknown): Promise<WeChatReply>;
}

export interface WeChatApiOptions {
  readonly baseUrl: string;
  readonly tokens: AccessTokenProvider;
  /**
   * Time budget of one `post`, retries included (each attempt gets what is left): a call never
   * holds a handler much past this. Default 3 s.
   */
  readonly timeoutMs?: number;
  /** Attempts for busy/5xx/network failures, the first included. Default 3. */
  readonly busyAttempts?: number;
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/** A WeChat API caller over a token provider. */
export function createWeChatApi(options: WeChatApiOptions): WeChatApi {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const busyAttempts = options.busyAttempts ?? 3;
  const backoffMs = options.backoffMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 3000;
  const now = options.now ?? Date.now;

  async function token(api: string, rejected?: string): Promise<string> {
    try {
      return rejected === undefined
        ? await options.tokens.token()
        : await options.tokens.refresh(rejected);
    } catch (error) {
      if (error instanceof WeChatApiError) throw error;
      // The token table (DynamoDB) failed: no token, so no call.
      throw new WeChatApiError('unavailable', api, undefined, { cause: error });
    }
  }

  /** One request; undefined when it failed in a way worth retrying (busy, 5xx, network). */
  async function once(path: string, accessToken: string, body: unknown, budgetMs: number) {
    const url = apiUrl(options.baseUrl, path);
    url.searchParams.set('access_token', accessToken);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(Math.max(1, budgetMs)),
      });
    } catch {
      return undefined;
    }
    if (response.status >= 500) return undefined;
    if (!response.ok) throw new WeChatApiError('rejected', path);
    let reply: WeChatReply;
    try {
      // WeChat answers JSON, sometimes labelled text/plain.
      reply = JSON.parse(await response.text()) as WeChatReply;
    } catch {
      return undefined;
    }
    return reply;
  }

  return {
    async post(path, body) {
      const deadline = now() + timeoutMs;
      let accessToken = await token(path);
      let refreshed = false;
      let busy = 0;
      for (;;) {
        const reply = await once(path, accessToken, body, deadline - now());
        const errcode =
          reply === undefined ? -1 : typeof reply.errcode === 'number' ? reply.errcode : 0;
        if (reply !== undefined && errcode === 0) return reply;
        const reason = reasonForErrcode(errcode);
        if (reason === 'tokenInvalid' && !refreshed) {
          refreshed = true;
          accessToken = await token(path, accessToken);
          continue;
        }
        const backoff = backoffMs * 2 ** busy;
        if (reason === 'unavailable' && ++busy < busyAttempts && now() + backoff < deadline) {
          await sleep(backoff);
          continue;
        }
        throw new WeChatApiError(reason, path, reply === undefined ? undefined : errcode);
      }
    },
  };
}
