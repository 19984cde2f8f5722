/**
 * What the scan-to-login handlers share: the ticket store, the per-address counter, the code
 * maker and the console-token issuer, built from a handler's runtime.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDynamoWebLoginStore } from '../adapters/dynamo-web-logins';
import { createDynamoWindowCounter } from '../adapters/dynamo-window-counter';
import { createWxaLoginCodes } from '../adapters/wechat-login-code';
import { plainQrCodes, type WebLoginDeps, type WebLoginResult } from '../domain/web-login';
import type { Runtime } from '../runtime';

/** The scan-to-login dependencies of a runtime. */
export function webLoginDeps(runtime: Runtime): WebLoginDeps {
  const { config, db } = runtime;
  return {
    store: createDynamoWebLoginStore(db, config.tables),
    counter: createDynamoWindowCounter(db, config.tables.rateLimits),
    // On AWS (WEB_LOGIN_CODE=wxacode, set by the stack) a mini-program code WeChat's scanner
    // opens; locally, where nothing can reach WeChat's scanner, a plain QR code the mini-program
    // reads with wx.scanCode.
    codes:
      config.webLogin.code === 'wxacode'
        ? createWxaLoginCodes(
            runtime.wechat.api,
            { envVersion: config.webLogin.codeEnvVersion },
            runtime.log,
          )
        : plainQrCodes,
    limits: config.webLogin,
    issueToken: async (identity, sessionId) =>
      (await runtime.sessionTokens()).issue(identity, {
        ttlSeconds: config.webLogin.consoleTokenSeconds,
        sessionId,
      }),
    randomId: (bytes) => randomBytes(bytes).toString('base64url'),
    hash: (text) => createHash('sha256').update(text).digest('hex'),
    now: Date.now,
  };
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** The HTTP answer for a web-login result. */
export function httpResult(result: WebLoginResult<unknown>): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: result.status,
    headers: {
      ...HEADERS,
      ...(result.retryAfterSeconds !== undefined
        ? { 'retry-after': String(result.retryAfterSeconds) }
        : {}),
    },
    body: JSON.stringify(result.body),
  };
}

/** 500 without details: the cause is logged, never sent. */
export const INTERNAL_RESULT: APIGatewayProxyStructuredResultV2 = {
  statusCode: 500,
  headers: HEADERS,
  body: JSON.stringify({ error: { code: 'INTERNAL', message: 'please retry' } }),
};

/** Who asked, from the HTTP API event (API Gateway sets the source address). */
export function requestOf(event: APIGatewayProxyEventV2) {
  return {
    sourceIp: event.requestContext.http.sourceIp,
    userAgent: event.requestContext.http.userAgent ?? '',
  };
}
