/**
 * The heartbeat policies compared. Ours is the client core's, read from its DEFAULT_POLICY
 * (client/policy.ts), so the bench measures what ships: an app-level `ping` after an idle
 * interval, in the foreground only, plus an immediate probe when the app returns to the
 * foreground, the network comes back or turns weak, or an ack is overdue.
 */
import { DEFAULT_POLICY } from '../../client/policy';

/** API Gateway closes a WebSocket with no client frame for this long (documented quota). */
export const API_GATEWAY_IDLE_TIMEOUT_MS = 10 * 60 * 1000;

export interface HeartbeatPolicy {
  readonly source: string;
  /** A ping is sent after this long without any frame on the line. */
  readonly idlePingIntervalMs: number;
  /** No frame within this long after a probe (app shown, network back): the socket is dead. */
  readonly pongTimeoutMs: number;
  /** The same for the idle heartbeat's ping. */
  readonly heartbeatPongTimeoutMs: number;
}

export const OUR_HEARTBEAT: HeartbeatPolicy = {
  source: `client/policy.ts DEFAULT_POLICY: in the foreground a ping after ${DEFAULT_POLICY.heartbeatIdleMs / 60_000} idle minutes (pong timeout ${DEFAULT_POLICY.pongTimeoutMs / 1000} s), none in the background; a probe at once on app show, network back or weak, an overdue ack (${DEFAULT_POLICY.probeTimeoutMs / 1000} s pong timeout)`,
  idlePingIntervalMs: DEFAULT_POLICY.heartbeatIdleMs,
  pongTimeoutMs: DEFAULT_POLICY.probeTimeoutMs,
  heartbeatPongTimeoutMs: DEFAULT_POLICY.pongTimeoutMs,
};

/**
 * How long a silent drop (no FIN, no RST: the socket just stops) in the foreground goes unnoticed:
 * until the next heartbeat ping, then its pong timeout. A drop falls anywhere in the interval,
 * so on average half an interval passes before that ping; at worst a whole one.
 */
export function silentDropDetection(policy: HeartbeatPolicy): {
  readonly meanMs: number;
  readonly worstMs: number;
} {
  return {
    meanMs: policy.idlePingIntervalMs / 2 + policy.heartbeatPongTimeoutMs,
    worstMs: policy.idlePingIntervalMs + policy.heartbeatPongTimeoutMs,
  };
}

/**
 * Billed API Gateway messages per idle connection-hour: every ping the client sends and every
 * pong it gets back is one message (each under 32 KB).
 */
export function messagesPerIdleHour(pingIntervalMs: number): number {
  return (2 * 3_600_000) / pingIntervalMs;
}
