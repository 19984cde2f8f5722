/**
 * The error classes of the chat domain. Each has a stable `code` that is also the protocol error
 * code (docs/protocol.md), so a handler turns any of them into an error frame without a lookup
 * table. Anything that is not a ChatError becomes INTERNAL, and its details stay in the logs.
 */
import type { ErrorCode } from '../../protocol/error-codes';

export class ChatError extends Error {
  readonly code: ErrorCode;
  /** RATE_LIMITED only: when a retry can succeed. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
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
