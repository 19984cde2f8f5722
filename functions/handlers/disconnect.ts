/** $disconnect: remove the connection and its subscriptions. Runs once per connection. */
import type { Context } from 'aws-lambda';
import { invocationBudget } from '../domain/retry';
import { closeSession } from '../domain/session';
import { createRuntime } from '../runtime';
import type { WebSocketEvent, WebSocketResult } from './websocket-event';

const runtime = createRuntime(process.env);

export async function handler(event: WebSocketEvent, context?: Context): Promise<WebSocketResult> {
  const { connectionId, disconnectStatusCode, disconnectReason } = event.requestContext;
  runtime.callers.forget(connectionId);
  runtime.throttles.frames.forget(connectionId);
  const ctx = runtime.chatContext(event);
  await closeSession(
    ctx,
    connectionId,
    invocationBudget(ctx.now, context?.getRemainingTimeInMillis()),
  );
  runtime.log.info('disconnected', { connectionId, disconnectStatusCode, disconnectReason });
  return { statusCode: 200 };
}
