/**
 * POST /login (HTTP API, payload format 2.0): exchanges a `wx.login` code for a session token.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type LoginDeps, login } from '../auth/login';
import { createWeChatSessionClient } from '../auth/wechat-session';
import { describe } from '../domain/fan-out';
import { createRuntime } from '../runtime';

const runtime = createRuntime(process.env, { service: 'campus-chat-login' });
const { config, log } = runtime;

let deps: Promise<LoginDeps> | undefined;

function loginDeps(): Promise<LoginDeps> {
  deps ??= Promise.all([runtime.sessionTokens(), runtime.secret('WECHAT_SECRET')])
    .then(([tokens, appSecret]): LoginDeps => ({
      users: runtime.stores.users,
      wechat: createWeChatSessionClient({ ...config.wechat, appSecret }),
      tokens,
      roleOf: (userId) => runtime.staff.roleAtLogin(userId, runtime.nameOf),
      // The configured title and what the clients show for the default one (client/i18n's
      // `desk.title` in each language, and the desk's short name): no student may pass for it.
      reservedNames: [config.chat.deskTitle, '自习室服务台', '服务台', 'Study-room desk'],
      now: Date.now,
      logFailure: (reason, detail) => log.warn('code exchange failed', { reason, detail }),
      content: runtime.content,
      log,
    }))
    .catch((error: unknown) => {
      // Not cached: a passing Secrets Manager failure must not break this container for good.
      deps = undefined;
      throw error;
    });
  return deps;
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const body =
    event.body !== undefined && event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;
  try {
    const result = await login(await loginDeps(), body);
    if (result.status === 200) log.info('login', { status: 200 });
    else log.info('login refused', { status: result.status });
    return { statusCode: result.status, headers: HEADERS, body: JSON.stringify(result.body) };
  } catch (error) {
    log.error('login failed', { error: describe(error) });
    return {
      statusCode: 500,
      headers: HEADERS,
      body: JSON.stringify({ error: { code: 'INTERNAL', message: 'login failed; retry' } }),
    };
  }
}
