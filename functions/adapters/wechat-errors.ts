/**
 * WeChat server API failures as one typed error, so no upstream `errmsg` (or network error text)
 * travels further than the adapter that met it. Callers switch on `reason`; `errcode` is kept for
 * the logs only.
 *
 * Global error codes: https://developers.weixin.qq.com/doc/oplatform/Return_codes/Return_code_descriptions_new.html
 * (-1 system busy, 40001 invalid credential, 40014 invalid access_token, 42001 access_token
 * expired, 45009 daily API quota reached).
 */

/**
 * - `tokenInvalid`: the access token was refused even after one refresh (40001/40014/42001).
 * - `quota`: the account's daily quota for this API is spent (45009); retrying cannot help today.
 * - `unavailable`: WeChat is busy (-1), answered 5xx, timed out or could not be reached.
 * - `config`: our appid or secret is wrong (40013, 40125, 40164 IP not whitelisted…): an
 *   operator must act.
 * - `userNotRecent`: the user has not opened the mini-program in the last two hours (61010,
 *   content security only).
 * - `rejected`: any other errcode (a bad request of ours).
 */
export type WeChatFailureReason =
  'tokenInvalid' | 'quota' | 'unavailable' | 'config' | 'userNotRecent' | 'rejected';

export class WeChatApiError extends Error {
  constructor(
    readonly reason: WeChatFailureReason,
    /** The API path that failed (`cgi-bin/stable_token`, `wxa/msg_sec_check`). */
    readonly api: string,
    /** WeChat's errcode, when it answered one. */
    readonly errcode?: number,
    options?: ErrorOptions,
  ) {
    super(
      `WeChat ${api} failed: ${reason}${errcode !== undefined ? ` (errcode ${errcode})` : ''}`,
      options,
    );
    this.name = 'WeChatApiError';
  }
}

/** errcodes that mean "this access token is no good": refresh once, then retry once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
/** 45009: the daily call quota of this API is reached. */
export const QUOTA_ERRCODE = 45009;
/** -1: "系统繁忙，此时请开发者稍候再试". */
export const BUSY_ERRCODE = -1;
/** 61010: the openid has no visit in the last two hours (msgSecCheck's documented rule). */
export const USER_NOT_RECENT_ERRCODE = 61010;
const CONFIG_ERRCODES: ReadonlySet<number> = new Set([40002, 40013, 40125, 40164, 41002, 41004]);

/** What a non-zero errcode means. */
export function reasonForErrcode(errcode: number): WeChatFailureReason {
  if (TOKEN_ERRCODES.has(errcode)) return 'tokenInvalid';
  if (errcode === QUOTA_ERRCODE) return 'quota';
  if (errcode === BUSY_ERRCODE) return 'unavailable';
  if (errcode === USER_NOT_RECENT_ERRCODE) return 'userNotRecent';
  if (CONFIG_ERRCODES.has(errcode)) return 'config';
  return 'rejected';
}
