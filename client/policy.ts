/**
 * Connection policy: every timing the core uses, with the defaults and why they were chosen.
 * All of it is configurable through `ChatClientOptions.policy`.
 */

export interface ConnectionPolicy {
  /** Backoff: first ceiling and largest ceiling of the full-jitter delay. */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** A connection open this long counts as healthy: the backoff starts again from the base. */
  readonly healthyAfterMs: number;
  /** A handshake not open by then is abandoned and retried. */
  readonly connectTimeoutMs: number;
  /**
   * Heartbeat: a `ping` goes out when nothing was sent, or nothing was received, for this long.
   * Each ping and its pong are two billed API Gateway messages.
   */
  readonly heartbeatIdleMs: number;
  /** A heartbeat ping with no frame back within this declares the socket dead. */
  readonly pongTimeoutMs: number;
  /** The probe sent when the app returns to the foreground or the network comes back. */
  readonly probeTimeoutMs: number;
  /** API Gateway's maximum connection duration, and how long before it to reconnect on purpose. */
  readonly maxConnectionMs: number;
  readonly plannedReconnectMarginMs: number;
  /** A planned reconnect waits for in-flight requests at most this long. */
  readonly plannedReconnectMaxWaitMs: number;
  /** Log in again after this many consecutive handshake failures (then after 2x, 4x… as many). */
  readonly refreshAfterHandshakeFailures: number;
  /** Log in again before connecting when the token expires within this. */
  readonly tokenRefreshMarginMs: number;
  /** A request (sync, rooms…) with no reply within this fails with a timeout. */
  readonly requestTimeoutMs: number;
  /** A `sendmessage` with no ack within this is sent again (same id). */
  readonly sendAckTimeoutMs: number;
}

/**
 * The defaults.
 *
 * Heartbeat, chosen for cost: API Gateway closes a connection after 10 minutes without a frame
 * *from the client* and bills every ping and pong. A ping after 5 idle minutes keeps the
 * connection alive with a full 5 minutes to spare for a late timer (phones delay timers), and an
 * idle connection costs 12 pings + 12 pongs = 24 messages per hour (under issue 7's budget of 30).
 * A long interval would leave a dead socket unnoticed for minutes, so it is not what finds dead
 * sockets: the moments a socket typically dies are the app returning to the foreground (WeChat
 * kills sockets about 5 s after backgrounding) and the network coming back, and at those moments
 * the client sends an immediate probe ping with a 5 s pong timeout — a dead socket is replaced
 * within 5 s, only when it matters. Any frame received counts as proof of life, so an active chat
 * sends no pings beyond those needed to stay under the idle limit.
 *
 * Backoff: 0.5 s base, 30 s cap, full jitter; reset after 30 s of healthy connection, so a server
 * that accepts and immediately drops connections cannot cause a tight loop.
 *
 * Planned reconnect 10 minutes before the 2-hour limit, when no request is in flight.
 */
export const DEFAULT_POLICY: ConnectionPolicy = {
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  healthyAfterMs: 30_000,
  connectTimeoutMs: 10_000,
  heartbeatIdleMs: 5 * 60_000,
  pongTimeoutMs: 10_000,
  probeTimeoutMs: 5_000,
  maxConnectionMs: 2 * 60 * 60_000,
  plannedReconnectMarginMs: 10 * 60_000,
  plannedReconnectMaxWaitMs: 60_000,
  refreshAfterHandshakeFailures: 2,
  tokenRefreshMarginMs: 10 * 60_000,
  requestTimeoutMs: 15_000,
  sendAckTimeoutMs: 15_000,
};
