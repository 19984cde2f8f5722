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

/** What an API that answers an image on success (wxacode.getUnlimited) gave. */
export interface WeChatImage {
  /** The response's `image/*` content type. */
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

export interface WeChatApi {
  /** POSTs `body` as JSON to `{base}/{path}?access_token=…`; rejects with WeChatApiError. */
  post(path: string, body: unknown): Promise<WeChatReply>;
  /**
   * As `post`, for the APIs that answer the image itself on success and JSON `{errcode, errmsg}`
   * on failure (wxacode.getUnlimited: "如果调用成功，会直接返回图片二进制内容，如果请求失败，会返回
   * JSON 格式的数据", https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getunlimitedqrcode).
   * An image over `maxBytes` is refused (`rejected`), so one answer cannot exhaust a function.
   */
  postForImage(path: string, body: unknown, maxBytes: number): Promise<WeChatImage>;
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

  /**
   * One request; undefined when it failed in a way worth retrying (busy, 5xx, network). An
   * `image/*` answer is taken as the image when `maxImageBytes` is given.
   */
  async function once(
    path: string,
    accessToken: string,
    body: unknown,
    budgetMs: number,
    maxImageBytes?: number,
  ): Promise<WeChatReply | WeChatImage | undefined> {
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
    const contentType = response.headers.get('content-type') ?? '';
    if (maxImageBytes !== undefined && contentType.startsWith('image/')) {
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxImageBytes) throw new WeChatApiError('rejected', path);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch {
        return undefined;
      }
      if (bytes.byteLength === 0 || bytes.byteLength > maxImageBytes) {
        throw new WeChatApiError('rejected', path);
      }
      return { contentType, bytes };
    }
    let reply: WeChatReply;
    try {
      // WeChat answers JSON, sometimes labelled text/plain.
      reply = JSON.parse(await response.text()) as WeChatReply;
    } catch {
      return undefined;
    }
    return reply;
  }

  /** The call with its token refresh and busy retries; the JSON reply or the image. */
  async function call(path: string, body: unknown, maxImageBytes?: number) {
    const deadline = now() + timeoutMs;
    let accessToken = await token(path);
    let refreshed = false;
    let busy = 0;
    for (;;) {
      const reply = await once(path, accessToken, body, deadline - now(), maxImageBytes);
      if (reply !== undefined && isImage(reply)) return reply;
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
  }

  return {
    async post(path, body) {
      const reply = await call(path, body);
      // An API that answers JSON never answers an image here (no maxImageBytes), so this is JSON.
      return reply as WeChatReply;
    },
    async postForImage(path, body, maxBytes) {
      const reply = await call(path, body, maxBytes);
      // errcode 0 in JSON where an image was due: not the documented answer.
      if (!isImage(reply)) throw new WeChatApiError('rejected', path, 0);
      return reply;
    },
  };
}

function isImage(reply: WeChatReply | WeChatImage): reply is WeChatImage {
  return reply.bytes instanceof Uint8Array && typeof reply.contentType === 'string';
}
