/**
 * $connect: authenticate the `token` query parameter and register the connection. Returning a
 * non-2xx status makes API Gateway refuse the handshake with it: 401 for a missing, invalid or
 * expired token or an unknown user, 403 for a blocked one, 429 for one connection too many.
 */
import type { Context } from 'aws-lambda';
import { invocationBudget } from '../domain/retry';
import { openSession } from '../domain/session';
import { createDynamoWebLoginStore } from '../adapters/dynamo-web-logins';
import { createRuntime } from '../runtime';
import type { WebSocketEvent, WebSocketResult } from './websocket-event';

const runtime = createRuntime(process.env);
const { config, log } = runtime;
const webLogins = createDynamoWebLoginStore(runtime.db, config.tables);

export async function handler(event: WebSocketEvent, context?: Context): Promise<WebSocketResult> {
  const { connectionId } = event.requestContext;
  const token = event.queryStringParameters?.token;
  if (!token) return { statusCode: 401 };
  const claimed = await (await runtime.sessionTokens()).verify(token);
  if (!claimed) {
    log.info('connect refused: invalid token', { connectionId });
    return { statusCode: 401 };
  }
  const ctx = runtime.chatContext(event);
  // The token proves who the user was at login; what they may do now comes from the sources of
  // truth: the user record (blocked, name) and the staff table (the role; seeded from ADMINS
  // when it has no manager), never the token's claims.
  const user = await ctx.users.get(claimed.userId);
  if (!user) return { statusCode: 401 };
  if (user.blocked) return { statusCode: 403 };
  // The cap counts the user's open connections (the byUser index; connects racing in the same
  // moment may each see one fewer): one more is refused before anything is written or announced.
  const open = await ctx.connections.connectionsOf(user.userId);
  if (open.length >= config.chat.maxConnectionsPerUser) {
    log.info('connect refused: too many connections', { connectionId, open: open.length });
    return { statusCode: 429 };
  }
  const role = await runtime.staff.roleAtLogin(user.userId, runtime.nameOf, user.name);
  if (claimed.sessionId !== undefined) {
    // A console token (scan to log in) is good only while its web session exists — signing it
    // out deletes the item — and only for the desk: a demoted staff member's console is done.
    if (role !== 'admin') return { statusCode: 403 };
    const session = await webLogins.getSession(user.userId, claimed.sessionId);
    if (!session || session.expiresAt <= ctx.now()) {
      log.info('connect refused: web session ended', { connectionId });
      return { statusCode: 401 };
    }
  }
  await openSession(
    ctx,
    connectionId,
    {
      userId: user.userId,
      name: user.name,
      role,
      ...(claimed.sessionId !== undefined ? { webSessionId: claimed.sessionId } : {}),
    },
    invocationBudget(ctx.now, context?.getRemainingTimeInMillis()),
  );
  log.info('connected', { connectionId, userId: user.userId, role });
  return { statusCode: 200 };
}
