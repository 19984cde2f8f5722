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
  /** The text was refused by content security (WeChat msgSecCheck); the frame carries `label`. */
  'CONTENT_REJECTED',
  /** A service the request needs (content security) cannot answer now; retry after `retryAfterMs`. */
  'UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
