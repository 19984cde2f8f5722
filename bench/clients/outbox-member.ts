/**
 * One member's device under load, sending the way the real client outbox does
 * (client/outbox-sender.ts): its messages go out one at a time in the order typed, each retried
 * with its own id. BUSY waits `retryAfterMs` plus a full-jitter backoff that grows with each BUSY
 * in a row (cap 15 s); RATE_LIMITED and UNAVAILABLE wait `retryAfterMs` plus up to 250 ms of
 * jitter; INTERNAL and a missing ack retry with a 1 s full-jitter backoff; any other error fails
 * the message. Unlike the app, which retries until the user gives up, the bench gives each message
 * a retry budget: one still unacknowledged that long after its first try has failed for good.
 */
import { performance } from 'node:perf_hooks';
import { fullJitterDelay } from '../../client/backoff';
import { SendRefused, type SendResult } from './delivery-tracker';
import { frameId } from './ours-protocol';
import type { OursRoomHandle } from './ours-room';

/** The outbox's constants (client/outbox-sender.ts). */
const RETRY_BASE_MS = 1000;
const RETRY_CAP_MS = 15_000;
const RATE_LIMIT_JITTER_MS = 250;

/** A refusal the server answered with, and how long after the frame left it came. */
export interface Refusal {
  readonly code: string;
  /** The code and the server's message (TIMEOUT: no answer in time). */
  readonly reason: string;
  readonly afterMs: number;
  readonly retryAfterMs?: number;
}

/** How one message ended. */
export interface OutboxOutcome {
  readonly acked: boolean;
  /** Typed → acked, ms: queueing behind earlier messages, refusals and waits included. */
  readonly ackMs?: number;
  /** Typed → every recipient has it, ms. */
  readonly deliveredMs?: number;
  /** Frames sent for it (1 without retries). */
  readonly attempts: number;
  readonly refusals: readonly Refusal[];
  /** Why it failed for good (not acked). */
  readonly failure?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One member's outbox: `enqueue` is the user pressing send. */
export class OutboxMember {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly room: OursRoomHandle,
    private readonly member: number,
    private readonly retryBudgetMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Queues one message; resolves once it is acked and delivered, or has failed for good. */
  enqueue(): Promise<OutboxOutcome> {
    const typedAt = performance.now();
    const done = this.tail.then(() => this.deliver(typedAt));
    this.tail = done;
    return done;
  }

  private async deliver(typedAt: number): Promise<OutboxOutcome> {
    const id = frameId('m');
    const refusals: Refusal[] = [];
    const firstTryAt = performance.now();
    // Retries of this message so far, as the outbox counts them per clientId.
    let failures = 0;
    for (let attempts = 1; ; attempts++) {
      const sentAt = performance.now();
      let wait: number;
      try {
        const result: SendResult = await this.room.sendWithId(this.member, id);
        return {
          acked: true,
          ackMs: sentAt + (result.ackMs ?? result.deliveredMs) - typedAt,
          deliveredMs: sentAt + result.deliveredMs - typedAt,
          attempts,
          refusals,
        };
      } catch (error) {
        const afterMs = performance.now() - sentAt;
        const code = error instanceof SendRefused ? error.code : 'TIMEOUT';
        const retryAfterMs = error instanceof SendRefused ? error.retryAfterMs : undefined;
        const reason =
          error instanceof SendRefused ? `${code} ${error.serverMessage}` : 'TIMEOUT no ack';
        refusals.push({
          code,
          reason,
          afterMs,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
        wait = this.waitAfter(code, retryAfterMs, failures++);
        if (wait < 0) {
          return { acked: false, attempts, refusals, failure: (error as Error).message };
        }
      }
      if (performance.now() + wait - firstTryAt > this.retryBudgetMs) {
        return {
          acked: false,
          attempts,
          refusals,
          failure: `not acked within the ${this.retryBudgetMs / 1000} s retry budget`,
        };
      }
      await sleep(wait);
    }
  }

  /**
   * How long the outbox waits before the next try after a refusal with `code` (TIMEOUT: no ack
   * in time), the message's `failures` before it; -1: it does not retry.
   */
  private waitAfter(code: string, retryAfterMs: number | undefined, failures: number): number {
    if (code === 'BUSY') {
      const floor = retryAfterMs ?? RETRY_BASE_MS;
      return floor + fullJitterDelay(failures, floor, RETRY_CAP_MS, this.random);
    }
    if (code === 'RATE_LIMITED' || code === 'UNAVAILABLE') {
      return (retryAfterMs ?? RETRY_BASE_MS) + Math.floor(this.random() * RATE_LIMIT_JITTER_MS);
    }
    if (code === 'INTERNAL' || code === 'TIMEOUT') {
      return fullJitterDelay(failures, RETRY_BASE_MS, RETRY_CAP_MS, this.random);
    }
    return -1;
  }
}
