/**
 * Requests awaiting their reply, matched by frame `id`. An `error` frame with the id rejects with
 * a ProtocolError; a lost connection rejects everything outstanding.
 */
import type { ServerFrame } from '../protocol/server-frames';
import { type Clock, TimerSlot } from './clock';
import { ProtocolError, RequestTimeoutError } from './errors';

interface Waiting {
  readonly resolve: (frame: ServerFrame) => void;
  readonly reject: (error: Error) => void;
  readonly timer: TimerSlot;
}

export class PendingRequests {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Registers `id`; the promise settles with its reply, an error, or a timeout. */
  wait(id: string, timeoutMs: number): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const timer = new TimerSlot(this.clock);
      this.waiting.set(id, { resolve, reject, timer });
      timer.set(timeoutMs, () => this.fail(id, new RequestTimeoutError(`no reply to ${id}`)));
    });
  }

  /** Settles the request a reply belongs to; false when nobody waits for it. */
  settle(frame: ServerFrame): boolean {
    const id = 'id' in frame ? frame.id : undefined;
    if (id === undefined) return false;
    const waiting = this.waiting.get(id);
    if (!waiting) return false;
    this.waiting.delete(id);
    waiting.timer.clear();
    if (frame.type === 'error') {
      waiting.reject(
        new ProtocolError(
          frame.code,
          frame.message,
          frame.retryAfterMs,
          frame.label,
          frame.ownerName,
        ),
      );
    } else {
      waiting.resolve(frame);
    }
    return true;
  }

  fail(id: string, error: Error): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    waiting.timer.clear();
    waiting.reject(error);
  }

  failAll(error: Error): void {
    for (const id of [...this.waiting.keys()]) this.fail(id, error);
  }
}
