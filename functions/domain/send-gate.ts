/**
 * The send gate: bounds the sends in flight in this function instance, in all and per
 * conversation, and sheds the rest at once with BUSY and a `retryAfterMs` the client outbox obeys
 * (with backoff). Shedding early keeps a saturated instance from piling up work that only adds
 * load to DynamoDB (a congestion collapse); a refused send cost nothing but this check.
 *
 * Per instance, like the other flood guards (runtime.ts InstanceThrottles): on AWS a Lambda
 * instance runs one invocation at a time, so there the bound is the function's concurrency; the
 * local stack runs every invocation in one process, where the gate is the bound.
 */
import { BusyError } from './errors';

export interface SendGateLimits {
  /** Sends in flight in this instance at most. */
  readonly maxInFlight: number;
  /** Sends in flight in one conversation at most. */
  readonly maxPerConversation: number;
}

/** The shortest and longest `retryAfterMs` the gate answers. */
export const BUSY_RETRY_MIN_MS = 100;
export const BUSY_RETRY_MAX_MS = 5000;

export class SendGate {
  private inFlight = 0;
  private readonly perConversation = new Map<string, number>();
  /** Moving average of how long a send holds the gate (ms), for the retry hint. */
  private averageMs = BUSY_RETRY_MIN_MS;

  constructor(private readonly limits: SendGateLimits) {}

  /** Sends in flight now (for tests and logs). */
  get size(): number {
    return this.inFlight;
  }

  /**
   * Takes a place for a send to `conversationId`; returns its release (call it once, when the
   * send is done). Throws BusyError when the instance or the conversation is full.
   */
  enter(conversationId: string, now: () => number): () => void {
    const inConversation = this.perConversation.get(conversationId) ?? 0;
    if (this.inFlight >= this.limits.maxInFlight) {
      throw new BusyError('too many messages in flight; retry shortly', this.retryAfterMs());
    }
    if (inConversation >= this.limits.maxPerConversation) {
      throw new BusyError(
        'too many messages in flight in this conversation; retry shortly',
        this.retryAfterMs(),
      );
    }
    this.inFlight++;
    this.perConversation.set(conversationId, inConversation + 1);
    const started = now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      const left = (this.perConversation.get(conversationId) ?? 1) - 1;
      if (left > 0) this.perConversation.set(conversationId, left);
      else this.perConversation.delete(conversationId);
      this.averageMs = 0.8 * this.averageMs + 0.2 * Math.max(0, now() - started);
    };
  }

  /** About two send durations: by then places have freed up. */
  private retryAfterMs(): number {
    return Math.round(Math.min(BUSY_RETRY_MAX_MS, Math.max(BUSY_RETRY_MIN_MS, 2 * this.averageMs)));
  }
}
