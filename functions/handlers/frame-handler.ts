/**
 * Turns a use case into a WebSocket route handler: parse the frame, validate it against its
 * schema, identify the caller from the connection record, run, and answer any failure with a
 * protocol error frame. Nothing a client sends can make the handler throw; the connection stays.
 */
import * as v from 'valibot';
import type { ChatContext } from '../domain/chat-context';
import {
  BadRequestError,
  ChatError,
  ConflictError,
  ForbiddenError,
  InternalError,
  RateLimitedError,
} from '../domain/errors';
import { describe, reply } from '../domain/fan-out';
import type { Caller } from '../domain/identity';
import { summarizeIssues, throttleFrame } from '../domain/send-admission';
import { MAX_FRAME_ID_LENGTH } from '../../protocol/limits';
import type { ErrorFrame } from '../../protocol/server-frames';
import type { Runtime } from '../runtime';
import type { WebSocketEvent, WebSocketResult } from './websocket-event';

type Schema = v.GenericSchema<unknown, Record<string, unknown>>;

/** A route handler running `run` for every valid frame of `schema`, on `runtime`. */
export function frameHandler<S extends Schema>(
  runtime: Runtime,
  schema: S,
  run: (ctx: ChatContext, caller: Caller, frame: v.InferOutput<S>) => Promise<void>,
): (event: WebSocketEvent) => Promise<WebSocketResult> {
  return routeHandler(
    runtime,
    (body, connectionId) => {
      throttle(runtime, connectionId);
      const parsed = v.safeParse(schema, body);
      if (!parsed.success) throw new BadRequestError(summarizeIssues(parsed.issues));
      return parsed.output;
    },
    run,
  );
}

/**
 * A route handler that leaves the frame's admission (throttle, schema and the rest) to `run`:
 * sendmessage, whose admission is one domain step (domain/send-admission.ts).
 */
export function admittingFrameHandler(
  runtime: Runtime,
  run: (ctx: ChatContext, caller: Caller, body: Record<string, unknown>) => Promise<void>,
): (event: WebSocketEvent) => Promise<WebSocketResult> {
  return routeHandler(runtime, (body) => body, run);
}

function routeHandler<F>(
  runtime: Runtime,
  admit: (body: Record<string, unknown>, connectionId: string) => F,
  run: (ctx: ChatContext, caller: Caller, frame: F) => Promise<void>,
): (event: WebSocketEvent) => Promise<WebSocketResult> {
  return async (event) => {
    const ctx = runtime.chatContext(event);
    const { connectionId, routeKey } = event.requestContext;
    let frameId: string | undefined;
    try {
      const body = parseFrame(event);
      frameId = echoableId(body);
      const frame = admit(body, connectionId);
      const caller = await runtime.callers.identify(ctx, connectionId);
      if (caller === 'revoked') {
        // Blocked, or no longer (or newly) an admin: this connection's rights are gone. A new
        // connection gets what the user may do now ($connect refuses a blocked user).
        await replyError(
          runtime,
          ctx,
          connectionId,
          frameId,
          new ForbiddenError('your access has changed; reconnect'),
        );
        await ctx.sender.disconnect(connectionId);
        return { statusCode: 200 };
      }
      if (!caller) {
        // No record: the connection was cleaned up as stale while still open. Make the client
        // reconnect, which registers it again, rather than serving it with no identity.
        await replyError(
          runtime,
          ctx,
          connectionId,
          frameId,
          new InternalError('session not found; reconnect'),
        );
        await ctx.sender.disconnect(connectionId);
        return { statusCode: 200 };
      }
      await run(ctx, caller, frame);
    } catch (error) {
      if (!(error instanceof ChatError)) {
        runtime.log.error('frame failed', {
          routeKey,
          connectionId,
          error: describe(error),
          stack: (error as Error)?.stack,
        });
      }
      await replyError(runtime, ctx, connectionId, frameId, error);
    }
    return { statusCode: 200 };
  };
}

/** Counts a frame against its connection's budget; RATE_LIMITED when it is spent. */
export function throttle(runtime: Runtime, connectionId: string): void {
  throttleFrame(runtime.throttles, connectionId, Date.now());
}

/** The JSON object in a frame body, or BAD_REQUEST. */
export function parseFrame(event: WebSocketEvent): Record<string, unknown> {
  if (event.isBase64Encoded)
    throw new BadRequestError('binary frames are not supported; send JSON text');
  let body: unknown;
  try {
    body = JSON.parse(event.body ?? '');
  } catch {
    throw new BadRequestError('the frame is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('the frame must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** The frame's `id`, when it is one a reply can echo. */
export function echoableId(body: Record<string, unknown>): string | undefined {
  const { id } = body;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_FRAME_ID_LENGTH
    ? id
    : undefined;
}

/** Sends the error frame for `error`; an unexpected error is reported as INTERNAL, without details. */
export async function replyError(
  runtime: Runtime,
  ctx: ChatContext,
  connectionId: string,
  frameId: string | undefined,
  error: unknown,
): Promise<void> {
  const known = error instanceof ChatError ? error : new InternalError();
  if (known instanceof RateLimitedError) {
    // One RATE_LIMITED per window and connection: the rest of a flood is not answered.
    const now = ctx.now();
    const notices = runtime.throttles.rateLimitNotices;
    if (notices.wait(connectionId, now) > 0) return;
    notices.limited(connectionId, now + (known.retryAfterMs ?? 1000));
  }
  const frame: ErrorFrame = {
    type: 'error',
    ...(frameId !== undefined ? { id: frameId } : {}),
    code: known.code,
    message: known.message,
    ...(known.retryAfterMs !== undefined ? { retryAfterMs: known.retryAfterMs } : {}),
    ...(known.label !== undefined ? { label: known.label } : {}),
    ...(known instanceof ConflictError && known.ownerName !== undefined
      ? { ownerName: known.ownerName }
      : {}),
  };
  try {
    await reply(ctx, connectionId, frame);
  } catch (sendError) {
    runtime.log.warn('could not send error frame', { connectionId, error: describe(sendError) });
  }
}
