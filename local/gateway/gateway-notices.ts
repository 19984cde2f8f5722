/**
 * What the local gateway tells the @connections API and the tests: connection descriptions,
 * injected @connections failures, and the notices it emits for every invocation and throttling.
 */
import type { WebSocketEvent } from '../../functions/handlers/websocket-event';

/** What a GET on @connections reports. */
export interface ConnectionInfo {
  readonly connectedAt: number;
  readonly lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
}

/**
 * A failure the @connections API answers a POST with instead of delivering: 410 GoneException (the
 * connection vanished: it is cut like a lost network first, as it would be on AWS), 429
 * LimitExceededException, or a 5xx. `delivered`: the frame reaches the client and only the answer
 * is an error (a response lost on its way back, so the caller cannot know it was delivered).
 */
export interface PostFault {
  readonly status: 410 | 429 | 500 | 502 | 503 | 504;
  readonly delivered?: boolean;
}

/** Decides, for each @connections POST, whether it fails (see PostFault). */
export type PostFaultHook = (connectionId: string, data: Buffer) => PostFault | undefined;

/** Emitted as 'invocation' for every Lambda invocation: tests inspect events and count them. */
export interface InvocationNotice {
  readonly routeKey: string;
  readonly connectionId: string;
  readonly event: WebSocketEvent;
}

/** Emitted as 'throttled' for every handshake or message refused by throttling. */
export interface ThrottleNotice {
  readonly kind: 'connect' | 'message';
  /** The connection a throttled message came on (none for a refused handshake). */
  readonly connectionId?: string;
}
