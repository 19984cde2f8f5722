/** $disconnect: remove the connection and its subscriptions. Runs once per connection. */
import type { Context } from 'aws-lambda';
import { invocationBudget } from '../domain/retry';
import { closeSession } from '../domain/session';
import { chatContext, forgetConnection, log } from './chat-runtime';
import type { WebSocketEvent, WebSocketResult } from './websocket-event';

/** Without a Lambda context (a direct call), the function's 10 s timeout is assumed. */
const DEFAULT_REMAINING_MS = 10_000;

export async function handler(event: WebSocketEvent, context?: Context): Promise<WebSocketResult> {
  const { connectionId, disconnectStatusCode, disconnectReason } = event.requestContext;
  forgetConnection(connectionId);
  const ctx = chatContext(event);
  await closeSession(
    ctx,
    connectionId,
    invocationBudget(ctx.now, context?.getRemainingTimeInMillis() ?? DEFAULT_REMAINING_MS),
  );
  log.info('disconnected', { connectionId, disconnectStatusCode, disconnectReason });
  return { statusCode: 200 };
}
