/**
 * Request/reply over the connection: waits for a socket if there is none, sends the frame with a
 * fresh id, and resolves with the reply that echoes it. A request cut off by a lost connection is
 * sent again after the reconnect when it is safe to repeat; everything gives up after the request
 * timeout.
 */
import type { ClientFrame, ClientFrameOf } from '../protocol/client-frames';
import { REPLY_TYPES, type ReplyOf, type RequestAction } from '../protocol/replies';
import type { ServerFrame } from '../protocol/server-frames';
import { type Clock, TimerSlot } from './clock';
import { ConnectionLostError, ProtocolError, RequestTimeoutError } from './errors';
import { newRequestId } from './ids';
import { PendingRequests } from './requests';

export interface RequestChannelDeps {
  readonly clock: Clock;
  readonly random: () => number;
  readonly timeoutMs: number;
  readonly online: () => boolean;
  /** Sends a frame if a socket is open. */
  readonly send: (frame: ClientFrame) => boolean;
  /** A reply arrived (a planned reconnect may have been waiting for quiet). */
  readonly replied: () => void;
  /** A reply did not come in time on an open socket: it may be dead. */
  readonly suspectDead: () => void;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export class RequestChannel {
  private readonly pending: PendingRequests;
  private readonly waiters = new Set<Waiter>();
  private stopped = false;

  constructor(private readonly deps: RequestChannelDeps) {
    this.pending = new PendingRequests(deps.clock);
  }

  /** Requests awaiting their reply. */
  get outstanding(): number {
    return this.pending.size;
  }

  /**
   * Sends `frame` (its `id` is added) and resolves with its reply, typed by action through the
   * protocol's reply map (protocol/replies.ts); a reply of another type is a ProtocolError.
   */
  async call<A extends RequestAction>(
    frame: Omit<ClientFrameOf<A>, 'id'> & { readonly action: A },
    resend: boolean,
  ): Promise<ReplyOf<A>> {
    const answer = await this.exchange(frame, resend);
    const expected = REPLY_TYPES[frame.action];
    if (answer.type !== expected) {
      throw new ProtocolError('INTERNAL', `expected a ${expected} reply, got ${answer.type}`);
    }
    return answer as ReplyOf<A>;
  }

  private async exchange(frame: Omit<ClientFrame, 'id'>, resend: boolean): Promise<ServerFrame> {
    const { clock } = this.deps;
    const deadline = clock.now() + this.deps.timeoutMs;
    for (;;) {
      await this.whenOnline(deadline);
      const id = newRequestId(clock.now(), this.deps.random);
      const reply = this.pending.wait(id, Math.max(1, deadline - clock.now()));
      if (!this.deps.send({ ...frame, id } as ClientFrame)) {
        this.pending.fail(id, new ConnectionLostError('not connected'));
      }
      try {
        const answer = await reply;
        this.deps.replied();
        return answer;
      } catch (error) {
        if (error instanceof RequestTimeoutError && this.deps.online()) this.deps.suspectDead();
        const again = resend && error instanceof ConnectionLostError && !this.stopped;
        if (again && clock.now() < deadline) continue;
        throw error;
      }
    }
  }

  /** Settles the request a reply belongs to; false when none waits for it. */
  settle(frame: ServerFrame): boolean {
    return this.pending.settle(frame);
  }

  /** Fails every outstanding request (lost connection, API Gateway failure). */
  failAll(error: Error): void {
    this.pending.failAll(error);
  }

  /** A socket opened: requests waiting for one go out. */
  opened(): void {
    this.stopped = false;
    for (const waiter of [...this.waiters]) waiter.resolve();
    this.waiters.clear();
  }

  /** The client stopped: everything fails now. */
  stop(): void {
    this.stopped = true;
    this.pending.failAll(new ConnectionLostError('client stopped'));
    for (const waiter of [...this.waiters])
      waiter.reject(new ConnectionLostError('client stopped'));
    this.waiters.clear();
  }

  /** Allows requests again after `stop` (the client was started anew). */
  resume(): void {
    this.stopped = false;
  }

  private whenOnline(deadline: number): Promise<void> {
    if (this.deps.online()) return Promise.resolve();
    if (this.stopped) return Promise.reject(new ConnectionLostError('client stopped'));
    return new Promise((resolve, reject) => {
      const timer = new TimerSlot(this.deps.clock);
      const waiter: Waiter = {
        resolve: () => {
          timer.clear();
          resolve();
        },
        reject: (error) => {
          timer.clear();
          reject(error);
        },
      };
      this.waiters.add(waiter);
      timer.set(deadline - this.deps.clock.now(), () => {
        this.waiters.delete(waiter);
        reject(new RequestTimeoutError('not connected'));
      });
    });
  }
}
