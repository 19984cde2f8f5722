/**
 * Tracks sends until every recipient has the message: the sender's clock starts before the frame
 * leaves, and the send completes when the last recipient's client has parsed it.
 */
import { performance } from 'node:perf_hooks';

export interface SendResult {
  /** Send → received by every recipient, ms. */
  readonly deliveredMs: number;
  /** Send → ack, ms (systems that ack). */
  readonly ackMs?: number;
}

/** A send answered with an error frame: its code and, for retryable codes, `retryAfterMs`. */
export class SendRefused extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly serverMessage: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

interface Pending {
  readonly startedAt: number;
  remaining: number;
  needsAck: boolean;
  ackAt?: number;
  lastAt?: number;
  readonly resolve: (result: SendResult) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class DeliveryTracker {
  private readonly pending = new Map<string, Pending>();

  /** Starts the clock for `id`, which `recipients` must receive (and the sender ack, if asked). */
  expect(
    id: string,
    recipients: number,
    needsAck: boolean,
    timeoutMs = 30_000,
  ): Promise<SendResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const missing = this.pending.get(id)?.remaining;
        this.pending.delete(id);
        reject(new Error(`send ${id} timed out with ${missing} recipients missing`));
      }, timeoutMs);
      this.pending.set(id, {
        startedAt: performance.now(),
        remaining: recipients,
        needsAck,
        resolve,
        reject,
        timer,
      });
    });
  }

  /** A recipient has the message `id`. */
  delivered(id: string): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    entry.remaining -= 1;
    entry.lastAt = performance.now();
    this.settle(id, entry);
  }

  /** The sender has the ack for `id`. */
  acked(id: string): void {
    const entry = this.pending.get(id);
    if (!entry || entry.ackAt !== undefined) return;
    entry.ackAt = performance.now();
    this.settle(id, entry);
  }

  /** The send `id` failed: an error frame with `code` (and `retryAfterMs`, if it had one). */
  failed(id: string, code: string, message: string, retryAfterMs?: number): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    entry.reject(
      new SendRefused(`send ${id} failed: ${code} ${message}`, code, message, retryAfterMs),
    );
  }

  private settle(id: string, entry: Pending): void {
    if (entry.remaining > 0 || (entry.needsAck && entry.ackAt === undefined)) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    const doneAt = Math.max(entry.lastAt ?? entry.startedAt, entry.ackAt ?? 0);
    entry.resolve({
      deliveredMs: (entry.lastAt ?? doneAt) - entry.startedAt,
      ...(entry.ackAt !== undefined ? { ackMs: entry.ackAt - entry.startedAt } : {}),
    });
  }
}
