/**
 * $default: every frame no route matched. Answers BAD_REQUEST for frames that are not JSON objects
 * with a string `action`, and UNKNOWN_ACTION for the rest.
 */
import { BadRequestError, UnknownActionError } from '../domain/errors';
import { createRuntime } from '../runtime';
import { echoableId, parseFrame, replyError, throttle } from './frame-handler';
import type { WebSocketEvent, WebSocketResult } from './websocket-event';

const runtime = createRuntime(process.env);

export async function handler(event: WebSocketEvent): Promise<WebSocketResult> {
  const ctx = runtime.chatContext(event);
  let frameId: string | undefined;
  let error: Error;
  try {
    const body = parseFrame(event);
    frameId = echoableId(body);
    error =
      typeof body.action === 'string'
        ? new UnknownActionError(`unknown action "${body.action.slice(0, 64)}"`)
        : new BadRequestError('action is required (a string)');
  } catch (parseError) {
    error = parseError as Error;
  }
  try {
    // Every frame counts, parsed or not: a flood of frames that are not even JSON is still a flood.
    throttle(runtime, event.requestContext.connectionId);
  } catch (throttled) {
    error = throttled as Error;
  }
  await replyError(runtime, ctx, event.requestContext.connectionId, frameId, error);
  return { statusCode: 200 };
}
