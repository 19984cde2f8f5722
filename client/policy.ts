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
 * Heartbeat, chosen between cost and how soon a silent drop is noticed. API Gateway bills every
 * ping and every pong, so a ping after P idle ms costs 2 × 3600 s / P billed messages per
 * foreground connection-hour; the budget is 30, so P ≥ 4 minutes. Sockets do not survive the
 * background in WeChat (it kills them about 5 s after the app is hidden), so the heartbeat only
 * runs in the foreground, where a silent drop (a NAT mapping gone, no FIN, no RST) would stop
 * messages without a sign. With P = 4 min and a 10 s pong timeout such a drop is found 2 min 10 s
 * after it happened on average (the next ping comes P/2 later on average) and at worst 4 min 10 s
 * later; the other moments a socket typically dies are probed at once with a 5 s pong timeout:
 * the app returning to the foreground, the network coming back or turning weak
 * (wx.onNetworkWeakChange), a send whose ack is overdue. Any frame received counts as proof of
 * life, so an active chat sends no pings at all beyond keeping API Gateway's 10-minute idle timer
 * (frames *from the client*) alive. `npm run bench` reports these figures.
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
  heartbeatIdleMs: 4 * 60_000,
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
