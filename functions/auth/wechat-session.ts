/**
 * WeChat's code2Session (`GET {base}/sns/jscode2session`): exchanges the one-time code from
 * `wx.login` for the user's openid. The base URL is configurable so the local stack can answer it
 * with a stand-in. The session_key it also returns is never kept, returned or logged.
 */

export type WeChatFailure = 'invalidCode' | 'rateLimited' | 'blockedUser' | 'unavailable';

export class WeChatLoginError extends Error {
  constructor(
    readonly reason: WeChatFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WeChatLoginError';
  }
}

export interface WeChatSessionClient {
  /** The user's openid for a `wx.login` code; throws WeChatLoginError. */
  exchange(code: string): Promise<{ openid: string }>;
}

/** A code2Session client; `fetch` is injectable for tests of the error mapping. */
export function createWeChatSessionClient(options: {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): WeChatSessionClient {
  const doFetch = options.fetch ?? fetch;
  return {
    async exchange(code) {
      const url = new URL(
        'sns/jscode2session',
        options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`,
      );
      url.searchParams.set('appid', options.appId);
      url.searchParams.set('secret', options.appSecret);
      url.searchParams.set('js_code', code);
      url.searchParams.set('grant_type', 'authorization_code');
      let body: { openid?: unknown; errcode?: unknown; errmsg?: unknown };
      try {
        const response = await doFetch(url, {
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        // WeChat answers JSON, sometimes labelled text/plain.
        body = JSON.parse(await response.text()) as typeof body;
      } catch (error) {
        throw new WeChatLoginError(
          'unavailable',
          `code2Session failed: ${(error as Error).message}`,
        );
      }
      const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
      if (errcode === 0 && typeof body.openid === 'string' && body.openid.length > 0) {
        return { openid: body.openid };
      }
      switch (errcode) {
        case 40029:
        case 40163:
          throw new WeChatLoginError(
            'invalidCode',
            'the login code is invalid or was already used',
          );
        case 45011:
          throw new WeChatLoginError('rateLimited', 'too many logins; retry in a minute');
        case 40226:
          throw new WeChatLoginError('blockedUser', 'WeChat blocked this login');
        default:
          throw new WeChatLoginError('unavailable', `code2Session answered errcode ${errcode}`);
      }
    },
  };
}
