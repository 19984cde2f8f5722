/** $disconnect: remove the connection and its subscriptions. Runs once per connection. */
import type { Context } from 'aws-lambda';
import { invocationBudget } from '../domain/retry';
import { closeSession } from '../domain/session';
import { chatContext, forgetConnection, log } from './chat-runtime';
import type { WebSocketEvent, WebSocketResult } from './websocket-event';

export async function handler(event: WebSocketEvent, context?: Context): Promise<WebSocketResult> {
  const { connectionId, disconnectStatusCode, disconnectReason } = event.requestContext;
  forgetConnection(connectionId);
  const ctx = chatContext(event);
  await closeSession(
    ctx,
    connectionId,
    invocationBudget(ctx.now, context?.getRemainingTimeInMillis()),
  );
  log.info('disconnected', { connectionId, disconnectStatusCode, disconnectReason });
  return { statusCode: 200 };
}
