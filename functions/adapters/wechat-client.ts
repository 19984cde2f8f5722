/**
 * The WeChat server API of this app, wired once per process: the shared access token (table
 * `wechatTokens`, functions/adapters/wechat-token.ts), the app secret from Secrets Manager
 * (functions/adapters/secrets.ts, `WECHAT_SECRET`, read through the runtime) and the call helper (wechat-api.ts).
 *
 * A handler that calls WeChat needs, in functions/routes.ts, `wechatTokens: 'readWrite'` and the
 * secret `WECHAT_SECRET` (see WECHAT_API_ACCESS there), and `WECHAT_APPID` in its environment.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createWeChatApi, type WeChatApi } from './wechat-api';
import {
  type AccessTokenProvider,
  createStableTokenSource,
  createTokenService,
} from './wechat-token';
import { createTokenTable } from './wechat-token-table';

export interface WeChatClient {
  readonly api: WeChatApi;
  readonly tokens: AccessTokenProvider;
}

/** The WeChat client for `appId` at `baseUrl`, its token kept in `tokenTable`. */
export function createWeChatClient(options: {
  readonly db: DynamoDBDocumentClient;
  readonly tokenTable: string;
  readonly baseUrl: string;
  readonly appId: string;
  /** The app secret (the runtime's `secret('WECHAT_SECRET')`: Secrets Manager on AWS). */
  readonly appSecret: () => Promise<string>;
  /** Time budget of one API call, retries included (WECHAT_API_TIMEOUT_MS). */
  readonly timeoutMs?: number;
}): WeChatClient {
  const tokens = createTokenService({
    store: createTokenTable(options.db, options.tokenTable, options.appId),
    source: createStableTokenSource({
      baseUrl: options.baseUrl,
      appId: options.appId,
      appSecret: options.appSecret,
    }),
  });
  return {
    tokens,
    api: createWeChatApi({
      baseUrl: options.baseUrl,
      tokens,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    }),
  };
}
