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
  ForbiddenError,
  InternalError,
  RateLimitedError,
} from '../domain/errors';
import { describe, reply } from '../domain/fan-out';
import type { Caller } from '../domain/identity';
import { MAX_FRAME_ID_LENGTH } from '../../protocol/limits';
import type { ErrorFrame } from '../../protocol/server-frames';
import { chatContext, frameThrottle, identifyCaller, log, rateLimitNotices } from './chat-runtime';
import type { WebSocketEvent, WebSocketResult } from './websocket-event';

type Schema = v.GenericSchema<unknown, Record<string, unknown>>;

/** A route handler running `run` for every valid frame of `schema`. */
export function frameHandler<S extends Schema>(
  schema: S,
  run: (ctx: ChatContext, caller: Caller, frame: v.InferOutput<S>) => Promise<void>,
): (event: WebSocketEvent) => Promise<WebSocketResult> {
  return async (event) => {
    const ctx = chatContext(event);
    const { connectionId, routeKey } = event.requestContext;
    let frameId: string | undefined;
    try {
      const body = parseFrame(event);
      frameId = echoableId(body);
      throttle(connectionId);
      const parsed = v.safeParse(schema, body);
      if (!parsed.success) throw new BadRequestError(summarizeIssues(parsed.issues));
      const caller = await identifyCaller(ctx, connectionId);
      if (caller === 'revoked') {
        // Blocked, or no longer (or newly) an admin: this connection's rights are gone. A new
        // connection gets what the user may do now ($connect refuses a blocked user).
        await replyError(
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
          ctx,
          connectionId,
          frameId,
          new InternalError('session not found; reconnect'),
        );
        await ctx.sender.disconnect(connectionId);
        return { statusCode: 200 };
      }
      await run(ctx, caller, parsed.output);
    } catch (error) {
      if (!(error instanceof ChatError)) {
        log.error('frame failed', {
          routeKey,
          connectionId,
          error: describe(error),
          stack: (error as Error)?.stack,
        });
      }
      await replyError(ctx, connectionId, frameId, error);
    }
    return { statusCode: 200 };
  };
}

/** Counts a frame against its connection's budget; RATE_LIMITED when it is spent. */
export function throttle(connectionId: string): void {
  const wait = frameThrottle.take(connectionId, Date.now());
  if (wait > 0) throw new RateLimitedError('too many frames on this connection', wait);
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
  ctx: ChatContext,
  connectionId: string,
  frameId: string | undefined,
  error: unknown,
): Promise<void> {
  const known = error instanceof ChatError ? error : new InternalError();
  if (known instanceof RateLimitedError) {
    // One RATE_LIMITED per window and connection: the rest of a flood is not answered.
    const now = ctx.now();
    if (rateLimitNotices.wait(connectionId, now) > 0) return;
    rateLimitNotices.limited(connectionId, now + (known.retryAfterMs ?? 1000));
  }
  const frame: ErrorFrame = {
    type: 'error',
    ...(frameId !== undefined ? { id: frameId } : {}),
    code: known.code,
    message: known.message,
    ...(known.retryAfterMs !== undefined ? { retryAfterMs: known.retryAfterMs } : {}),
  };
  try {
    await reply(ctx, connectionId, frame);
  } catch (sendError) {
    log.warn('could not send error frame', { connectionId, error: describe(sendError) });
  }
}

function summarizeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
