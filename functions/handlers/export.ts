/**
 * GET /export (HTTP API) with `authorization: Bearer <session token>`: a range of the desk's
 * cases as CSV or JSON, or their figures (functions/domain/export.ts, docs/protocol.md "Export
 * and figures"). The token says who; the user record (blocked), the staff table (staff or
 * manager, now) and — for a console token — its web session say whether they still may.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDynamoExportStore } from '../adapters/dynamo-export';
import { createDynamoWebLoginStore } from '../adapters/dynamo-web-logins';
import { ChatError } from '../domain/errors';
import { runExport } from '../domain/export';
import { describe } from '../domain/fan-out';
import { createRuntime } from '../runtime';

const runtime = createRuntime(process.env, { service: 'campus-chat-export' });
const { config, log } = runtime;
const webLogins = createDynamoWebLoginStore(runtime.db, config.tables);
const deps = {
  store: createDynamoExportStore(runtime.db, config.tables.deskEvents),
  conversations: runtime.stores.conversations,
  messages: runtime.stores.messages,
  timeZone: config.notify.timeZone,
  now: Date.now,
};

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
};

/** HTTP status of each error code an export answers with. */
const STATUS: Record<string, number> = {
  UNAUTHORIZED: 401,
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  TOO_LARGE: 413,
};

function failure(code: string, message: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: STATUS[code] ?? 500,
    headers: JSON_HEADERS,
    body: JSON.stringify({ error: { code, message } }),
  };
}

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const header = event.headers.authorization ?? '';
  const token = /^Bearer ([A-Za-z0-9._-]{1,4096})$/.exec(header)?.[1];
  try {
    const claimed = token ? await (await runtime.sessionTokens()).verify(token) : undefined;
    if (!claimed) return failure('UNAUTHORIZED', 'a valid session token is required');
    const user = await runtime.stores.users.get(claimed.userId);
    if (!user) return failure('UNAUTHORIZED', 'unknown user');
    if (user.blocked) return failure('FORBIDDEN', 'blocked');
    // The role now, from the staff table (never the token's claim): a student, or a staff member
    // removed since the token was issued, is refused.
    const member = await runtime.staff.member(user.userId);
    if (!member) return failure('FORBIDDEN', 'only staff may export');
    if (claimed.sessionId !== undefined) {
      // A console token is good only while its web session exists (as at $connect).
      const session = await webLogins.getSession(user.userId, claimed.sessionId);
      if (!session || session.expiresAt <= Date.now()) {
        return failure('UNAUTHORIZED', 'the console session ended');
      }
    }
    const answer = await runExport(
      deps,
      { userId: user.userId, staffRole: member.role },
      event.queryStringParameters ?? {},
    );
    log.info('export', {
      userId: user.userId,
      format: event.queryStringParameters?.format ?? 'csv',
      text: event.queryStringParameters?.text === '1',
      bytes: answer.body.length,
    });
    return {
      statusCode: 200,
      headers: {
        'content-type': answer.contentType,
        'cache-control': 'no-store',
        ...(answer.fileName
          ? { 'content-disposition': `attachment; filename="${answer.fileName}"` }
          : {}),
      },
      body: answer.body,
    };
  } catch (error) {
    if (error instanceof ChatError && STATUS[error.code]) {
      log.info('export refused', { code: error.code });
      return failure(error.code, error.message);
    }
    log.error('export failed', { error: describe(error) });
    return failure('INTERNAL', 'please retry');
  }
}
