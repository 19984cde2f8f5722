/**
 * The error classes of the chat domain. Each has a stable `code` that is also the protocol error
 * code (docs/protocol.md), so a handler turns any of them into an error frame without a lookup
 * table. Anything that is not a ChatError becomes INTERNAL, and its details stay in the logs.
 */
import type { ContentLabel } from '../../protocol/content-labels';
import type { ErrorCode } from '../../protocol/error-codes';

export class ChatError extends Error {
  readonly code: ErrorCode;
  /** RATE_LIMITED, UNAVAILABLE, BUSY: when a retry can succeed. */
  readonly retryAfterMs: number | undefined;
  /** CONTENT_REJECTED: what content security found (sent to the client as `label`). */
  readonly label: ContentLabel | undefined;

  constructor(code: ErrorCode, message: string, retryAfterMs?: number, label?: ContentLabel) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
    this.label = label;
  }
}

export class BadRequestError extends ChatError {
  constructor(message: string) {
    super('BAD_REQUEST', message);
  }
}
export class UnknownActionError extends ChatError {
  constructor(message: string) {
    super('UNKNOWN_ACTION', message);
  }
}
export class ForbiddenError extends ChatError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}
export class NotFoundError extends ChatError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}
export class TooLargeError extends ChatError {
  constructor(message: string) {
    super('TOO_LARGE', message);
  }
}
export class RateLimitedError extends ChatError {
  constructor(message: string, retryAfterMs: number) {
    super('RATE_LIMITED', message, retryAfterMs);
  }
}
export class UnsupportedMediaError extends ChatError {
  constructor(message: string) {
    super('UNSUPPORTED_MEDIA', message);
  }
}
/** Content security refused the text (WeChat msgSecCheck `risky`, or `review` where it is held). */
export class ContentRejectedError extends ChatError {
  constructor(message: string, label: ContentLabel) {
    super('CONTENT_REJECTED', message, undefined, label);
  }
}
/**
 * A service the request depends on (content security) cannot answer: the request was not carried
 * out and may be retried unchanged after `retryAfterMs` (the client outbox does).
 */
export class UnavailableError extends ChatError {
  constructor(message: string, retryAfterMs: number) {
    super('UNAVAILABLE', message, retryAfterMs);
  }
}
/**
 * A desk action lost to a concurrent change (another admin claimed the conversation first): the
 * client is told who owns it now, by display name.
 */
export class ConflictError extends ChatError {
  constructor(
    message: string,
    readonly ownerName?: string,
  ) {
    super('CONFLICT', message);
  }
}
/**
 * Shed under load (functions/domain/send-gate.ts): too much in flight to take this request now.
 * Nothing was done; the client retries unchanged after `retryAfterMs`, with backoff.
 */
export class BusyError extends ChatError {
  constructor(message: string, retryAfterMs: number) {
    super('BUSY', message, retryAfterMs);
  }
}
export class InternalError extends ChatError {
  constructor(message = 'Internal error; retry the request') {
    super('INTERNAL', message);
  }
}

/**
 * A connection the gateway no longer knows (@connections answered 410 Gone). Raised by the sender
 * adapter; never reaches a client.
 */
export class ConnectionGoneError extends Error {
  constructor(readonly connectionId: string) {
    super(`connection ${connectionId} is gone`);
    this.name = 'ConnectionGoneError';
  }
}

/** Whether an error is one of the domain's protocol errors. */
export function isChatError(error: unknown): error is ChatError {
  return error instanceof ChatError;
}
