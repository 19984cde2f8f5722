/**
 * Errors the client core reports. Protocol errors carry the server's code (docs/protocol.md §4).
 */
import type { ContentLabel } from '../protocol/content-labels';
import type { ErrorCode } from '../protocol/error-codes';
import type { TextProblem } from '../protocol/text-rules';

/** The server answered a request with an error frame (or API Gateway failed it: INTERNAL). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
    /** CONTENT_REJECTED: what content security found (the apps show it in words). */
    readonly label?: ContentLabel,
    /** CONFLICT on a desk action: who owns the conversation now (display name). */
    readonly ownerName?: string,
  ) {
    super(message);
  }

  /**
   * Whether the same request may succeed later (RATE_LIMITED, UNAVAILABLE and BUSY after the
   * wait, INTERNAL).
   */
  get retryable(): boolean {
    return (
      this.code === 'RATE_LIMITED' ||
      this.code === 'UNAVAILABLE' ||
      this.code === 'BUSY' ||
      this.code === 'INTERNAL'
    );
  }
}

/** The connection closed before the reply came, or the client was stopped. */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
}

/** No reply within the request timeout. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

/** `send` refused the text before it went anywhere (blank, over 4000 characters, malformed). */
export class InvalidTextError extends Error {
  override readonly name = 'InvalidTextError';
  constructor(readonly problem: TextProblem) {
    super(`message text is ${problem}`);
  }
}
