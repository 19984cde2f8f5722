/** $disconnect: remove the connection and its subscriptions. Runs once per connection. */
import { closeSession } from '../domain/session';
import { chatContext, forgetConnection, log } from './chat-runtime';
import type { WebSocketEvent, WebSocketResult } from './websocket-event';

export async function handler(event: WebSocketEvent): Promise<WebSocketResult> {
  const { connectionId, disconnectStatusCode, disconnectReason } = event.requestContext;
  forgetConnection(connectionId);
  await closeSession(chatContext(event), connectionId);
  log.info('disconnected', { connectionId, disconnectStatusCode, disconnectReason });
  return { statusCode: 200 };
}
