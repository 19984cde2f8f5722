/**
 * The protocol error codes. Each maps 1:1 to an error class on the server
 * (`functions/domain/errors.ts`); clients switch on these strings.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_ACTION',
  'FORBIDDEN',
  'NOT_FOUND',
  'TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
  // An upload of a type the protocol does not carry (HEIC, PDF…) or a file that is not a readable
  // image of its declared type (protocol/images.ts IMAGE_CONTENT_TYPES).
  'UNSUPPORTED_MEDIA',
  /** The text was refused by content security (WeChat msgSecCheck); the frame carries `label`. */
  'CONTENT_REJECTED',
  /** A service the request needs (content security) cannot answer now; retry after `retryAfterMs`. */
  'UNAVAILABLE',
  /**
   * The desk state changed under the request (another admin claimed the conversation first); the
   * frame carries the owner's display name as `ownerName`.
   */
  'CONFLICT',
  /**
   * The server is at capacity for this request (sends in flight on the function instance or in
   * the conversation): nothing was done; retry unchanged after `retryAfterMs`, with backoff.
   */
  'BUSY',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
