/**
 * A send's admission, in one place: everything that decides whether a `sendmessage` frame may
 * become a stored message, in the order that spends the least on a refusal.
 *
 * 1. frame throttle — any frame on this connection (a flood guard, counted before the schema so
 *    garbage counts too; per function instance).
 * 2. schema — protocol/client-frames.ts SendMessageFrame.
 * 3. message throttle — sendmessage frames on this connection (per instance): a flood would race
 *    itself for the same seq.
 * 4. rate limit — the user's messages per window. Exact in DynamoDB: a counter written inside the
 *    send transaction (`rateLimitWindow`, enforced by MessageStore.append); a sender this instance
 *    already saw over it is refused here without a round trip (`SendLimitMemory`).
 * 5. text rules — protocol/text-rules.ts (empty, too long, forbidden characters).
 * 6. the conversation id and what it alone decides (another student's support conversation).
 * 7. content security — WeChat msgSecCheck (content-check.ts): the only step that costs a call
 *    outside AWS, so it runs last, when everything else has said yes.
 *
 * Membership and the seq are decided by the send itself (send-message.ts), against what it reads.
 */
import * as v from 'valibot';
import { SendMessageFrame } from '../../protocol/client-frames';
import { precheckParticipant, requireConversationId } from './access';
import type { ChatContext } from './chat-context';
import { admitContent } from './content-check';
import type { ParsedConversationId } from './conversation-ids';
import { BadRequestError, RateLimitedError } from './errors';
import type { Caller } from './identity';
import type { RateLimitWindow } from './ports';
import type { SendLimitMemory } from './send-limits';
import { validateMessageText } from './text';
import type { TokenBuckets } from './token-bucket';

/** The per-instance memory admission counts in (built once per process by the runtime). */
export interface AdmissionState {
  /** Any frame, per connection. */
  readonly frames: TokenBuckets;
  /** sendmessage frames, per connection. */
  readonly messages: TokenBuckets;
  /** Users seen over their message limit, until their window ends. */
  readonly senders: SendLimitMemory;
}

/** A send that passed admission: what the send stores. */
export interface AdmittedSend {
  readonly frame: SendMessageFrame;
  /** The text as sent (never changed, only accepted or refused). */
  readonly text: string;
  readonly target: ParsedConversationId;
}

/** Step 1 alone: every route's frames count against the connection's frame budget. */
export function throttleFrame(
  state: Pick<AdmissionState, 'frames'>,
  connectionId: string,
  now: number,
): void {
  const wait = state.frames.take(connectionId, now);
  if (wait > 0) throw new RateLimitedError('too many frames on this connection', wait);
}

/**
 * Runs steps 1-7 on a parsed frame body; resolves with the admitted send or throws the step's
 * protocol error (RATE_LIMITED, BAD_REQUEST, TOO_LARGE, NOT_FOUND, FORBIDDEN, CONTENT_REJECTED,
 * UNAVAILABLE).
 */
export async function admitSend(
  ctx: ChatContext,
  state: AdmissionState,
  caller: Caller,
  body: Record<string, unknown>,
): Promise<AdmittedSend> {
  const now = ctx.now();
  throttleFrame(state, caller.connectionId, now);
  const parsed = v.safeParse(SendMessageFrame, body);
  if (!parsed.success) throw new BadRequestError(summarizeIssues(parsed.issues));
  const frame = parsed.output;
  const throttled = state.messages.take(caller.connectionId, now);
  if (throttled > 0) {
    throw new RateLimitedError('too many messages at once on this connection', throttled);
  }
  const wait = state.senders.wait(caller.userId, now);
  if (wait > 0) throw overLimit(ctx, wait);
  // An image's caption may be empty (protocol/images.ts); a text message may not.
  const text = frame.image && frame.text === '' ? '' : validateMessageText(frame.text);
  const target = requireConversationId(frame.conversationId);
  precheckParticipant(caller, target);
  // A student's support conversation is read by the desk only: there a student's `review` text
  // is delivered (the desk reviews it); anywhere else, and from the desk to a student, refused.
  const audience = target.kind === 'support' && caller.role === 'student' ? 'desk' : 'everyone';
  // An empty caption has nothing to check.
  if (text !== '') await admitContent(ctx, text, 'message', caller, audience);
  return { frame, text, target };
}

/** The rate-limit window the send transaction counts the message in (step 4, exact part). */
export function rateLimitWindow(ctx: ChatContext, userId: string, now: number): RateLimitWindow {
  const windowMs = ctx.config.sendWindowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  return {
    key: `send#${userId}#${start}`,
    limit: ctx.config.sendLimit,
    expiresAt: Math.ceil((start + 2 * windowMs) / 1000),
  };
}

/**
 * The transaction found the window full: remembers the sender until it ends (so the next send
 * is refused at step 4 without a round trip) and returns the error to answer.
 */
export function windowFull(
  ctx: ChatContext,
  state: Pick<AdmissionState, 'senders'>,
  userId: string,
  now: number,
): RateLimitedError {
  const windowMs = ctx.config.sendWindowSeconds * 1000;
  const retryAfterMs = windowMs - (now % windowMs);
  state.senders.limited(userId, now + retryAfterMs);
  return overLimit(ctx, retryAfterMs);
}

function overLimit(ctx: ChatContext, retryAfterMs: number): RateLimitedError {
  return new RateLimitedError(
    `at most ${ctx.config.sendLimit} messages per ${ctx.config.sendWindowSeconds} s`,
    retryAfterMs,
  );
}

/** The first few schema issues, as one line. */
export function summarizeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
