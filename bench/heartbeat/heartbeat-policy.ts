/**
 * The heartbeat policies compared. Ours is the mini-program connection core's (issue 3, built in
 * parallel): an app-level `ping` only when the line has been idle, often enough to stay under API
 * Gateway's 10-minute idle timeout, plus an immediate probe when the app returns to the
 * foreground or the network comes back. The bench takes it as a parameter; change it here.
 */

/** API Gateway closes a WebSocket with no client frame for this long (documented quota). */
export const API_GATEWAY_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

export interface HeartbeatPolicy {
  readonly source: string;
  /** A ping is sent after this long without any frame on the line. */
  readonly idlePingIntervalMs: number;
  /** No frame within this long after a ping: the socket is dead, reconnect. */
  readonly pongTimeoutMs: number;
}

export const OUR_HEARTBEAT: HeartbeatPolicy = {
  source:
    'issue 3 (mini-program connection core): ping only when idle, every 9 minutes (below the 10-minute idle limit); probe at once on app show / network back, 5 s pong timeout',
  idlePingIntervalMs: 9 * 60 * 1000,
  pongTimeoutMs: 5_000,
};

/**
 * Billed API Gateway messages per idle connection-hour: every ping the client sends and every
 * pong it gets back is one message (each under 32 KB).
 */
export function messagesPerIdleHour(pingIntervalMs: number): number {
  return (2 * 3_600_000) / pingIntervalMs;
}
