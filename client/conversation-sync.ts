/**
 * Keeps the open conversations complete: loads the newest page when one is opened, catches up
 * with `sync after=lastSeq` after every (re)connect and whenever a message arrives beyond a gap,
 * and pages backwards on demand. At most one catch-up runs per conversation; a request for
 * another while one runs makes it go round once more.
 */
import { SEQ_HOLE_RECHECK_MS, SYNC_DEFAULT_LIMIT, SYNC_MAX_LIMIT } from '../protocol/limits';
import type { ChatMessage, HistoryFrame } from '../protocol/server-frames';
import { type Clock, TimerSlot } from './clock';
import { ProtocolError } from './errors';
import { Timeline } from './timeline';

export interface SyncRequest {
  readonly conversationId: string;
  readonly after?: number;
  readonly before?: number;
  readonly limit: number;
}

export interface ConversationSyncDeps {
  readonly clock: Clock;
  /** Sends `sync` and resolves with the `history` reply. */
  readonly sync: (request: SyncRequest) => Promise<HistoryFrame>;
  /** Messages were added to an open conversation (all of them new to the client). */
  readonly added: (conversationId: string, messages: ChatMessage[]) => void;
  /** A sync failed for good (FORBIDDEN, NOT_FOUND…), or will be retried (transient). */
  readonly failed: (conversationId: string, error: unknown) => void;
  /** Whether a socket is open (a failed catch-up is retried on the next open otherwise). */
  readonly online: () => boolean;
  /** Held messages of an open conversation became tombstones (a recall seen in a sync). */
  readonly changed?: (conversationId: string) => void;
}

interface Tracked {
  readonly timeline: Timeline;
  running: boolean;
  again: boolean;
  /** A sync failed for good: stop trying (e.g. no access). */
  refused: boolean;
  /** Transient failures in a row; the next retry waits longer, and after MAX_SYNC_RETRIES none. */
  failures: number;
  /**
   * Set by a (re)connect: the next catch-up re-reads the newest PAGE_SIZE messages held, so a
   * message recalled while this client was away turns into its tombstone (no extra request: the
   * catch-up's first page starts that much earlier).
   */
  recheck: boolean;
  readonly retry: TimerSlot;
  /** Catch-ups in a row that ended with a hole held (a room send on its way, or one that died). */
  holeChecks: number;
  firstLoad: Promise<void>;
}

/** Page size of the first load and of scrolling up. */
export const PAGE_SIZE = SYNC_DEFAULT_LIMIT;
/** The first retry of a failed catch-up waits this long; each further one twice as long. */
export const SYNC_RETRY_BASE_MS = 2000;
/** The longest wait between retries. */
export const SYNC_RETRY_CAP_MS = 60_000;
/**
 * Retries of a failing catch-up before the client stops until the next (re)connect or open: a
 * request the server cannot answer (a reply it cannot send, a fault) is not re-read forever.
 */
export const MAX_SYNC_RETRIES = 5;

/** Re-checks of a hole held after a catch-up, before waiting for the next message or reconnect. */
export const MAX_HOLE_CHECKS = 3;

/** How long the `attempt`-th retry (0-based) of a failed catch-up waits. */
export function syncRetryDelay(attempt: number): number {
  return Math.min(SYNC_RETRY_CAP_MS, SYNC_RETRY_BASE_MS * 2 ** Math.min(attempt, 20));
}

export class ConversationSync {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly deps: ConversationSyncDeps) {}

  timeline(conversationId: string): Timeline | undefined {
    return this.tracked.get(conversationId)?.timeline;
  }

  /** Starts keeping a conversation; resolves when its first page is in (or failed). */
  open(conversationId: string): Promise<void> {
    const existing = this.tracked.get(conversationId);
    if (existing) {
      if (existing.refused || existing.failures >= MAX_SYNC_RETRIES) {
        existing.refused = false;
        existing.failures = 0;
        existing.firstLoad = this.catchUp(existing);
      }
      return existing.firstLoad;
    }
    const tracked: Tracked = {
      timeline: new Timeline(conversationId),
      running: false,
      again: false,
      refused: false,
      failures: 0,
      recheck: false,
      retry: new TimerSlot(this.deps.clock),
      holeChecks: 0,
      firstLoad: Promise.resolve(),
    };
    this.tracked.set(conversationId, tracked);
    tracked.firstLoad = this.catchUp(tracked);
    return tracked.firstLoad;
  }

  /** Forgets a conversation (e.g. the user left the room). */
  close(conversationId: string): void {
    this.tracked.get(conversationId)?.retry.clear();
    this.tracked.delete(conversationId);
  }

  /**
   * A message arrived (push or ack). Returns the messages new to an open conversation (empty
   * when it is not open or already held); starts a catch-up when it reveals a gap.
   */
  accept(message: ChatMessage): ChatMessage[] {
    const tracked = this.tracked.get(message.conversationId);
    if (!tracked) return [];
    const added = tracked.timeline.add([message]);
    if (tracked.timeline.hasGap) void this.catchUp(tracked);
    return added;
  }

  /** After every (re)connect: catch up on every open conversation (retries start afresh). */
  resyncAll(): void {
    for (const tracked of this.tracked.values()) {
      tracked.failures = 0;
      tracked.recheck = true;
      if (!tracked.refused) void this.catchUp(tracked);
    }
  }

  /** Loads the page before the oldest message held; resolves with how many were added. */
  async loadOlder(conversationId: string, limit = PAGE_SIZE): Promise<number> {
    const tracked = this.tracked.get(conversationId);
    if (!tracked) return 0;
    const { timeline } = tracked;
    if (!timeline.loaded || !timeline.hasOlder) return 0;
    const reply = await this.deps.sync({ conversationId, before: timeline.oldestSeq, limit });
    const added = timeline.loadOlder(reply.messages, reply.hasMore);
    if (added.length > 0) this.deps.added(conversationId, added);
    return added.length;
  }

  dispose(): void {
    for (const tracked of this.tracked.values()) tracked.retry.clear();
  }

  private async catchUp(tracked: Tracked): Promise<void> {
    if (tracked.running) {
      tracked.again = true;
      return;
    }
    tracked.running = true;
    tracked.retry.clear();
    const { timeline } = tracked;
    const conversationId = timeline.conversationId;
    try {
      do {
        tracked.again = false;
        if (!timeline.loaded) {
          // The newest page: a chat opens at its latest messages, older ones load on scroll-up.
          const reply = await this.deps.sync({
            conversationId,
            before: Number.MAX_SAFE_INTEGER,
            limit: PAGE_SIZE,
          });
          if (!this.isTracked(tracked)) return;
          this.report(conversationId, timeline.loadNewest(reply.messages, reply.hasMore));
        }
        for (;;) {
          const from = timeline.lastSeq;
          const after = tracked.recheck
            ? Math.max(0, timeline.oldestSeq - 1, from - PAGE_SIZE)
            : from;
          tracked.recheck = false;
          const reply = await this.deps.sync({ conversationId, after, limit: SYNC_MAX_LIMIT });
          if (!this.isTracked(tracked)) return;
          const takenDown = timeline.takenDown;
          this.report(conversationId, timeline.add(reply.messages));
          if (timeline.takenDown !== takenDown) this.deps.changed?.(conversationId);
          // Stop when the server has no more, or when nothing advanced (never loop on a hole).
          if (!reply.hasMore || timeline.lastSeq === from) break;
        }
      } while (tracked.again);
      tracked.failures = 0;
      // A hole the server did not fill yet (younger than SEQ_HOLE_AGE_MS): ask again once it is
      // old enough to be filled, a bounded number of times (the next message or reconnect asks
      // anyway).
      if (!timeline.hasGap) tracked.holeChecks = 0;
      else if (this.deps.online() && tracked.holeChecks < MAX_HOLE_CHECKS) {
        tracked.holeChecks++;
        tracked.retry.set(SEQ_HOLE_RECHECK_MS, () => void this.catchUp(tracked));
      }
    } catch (error) {
      // Closed while the request was out: nobody shows this conversation any more.
      if (!this.isTracked(tracked)) return;
      const permanent = error instanceof ProtocolError && !error.retryable;
      tracked.refused = permanent;
      this.deps.failed(conversationId, error);
      // Transient: try again, later each time and a bounded number of times, if still online;
      // otherwise (or once the retries are spent) the next (re)connect or open resyncs.
      if (!permanent && this.deps.online() && tracked.failures < MAX_SYNC_RETRIES) {
        const delay = syncRetryDelay(tracked.failures++);
        tracked.retry.set(delay, () => void this.catchUp(tracked));
      }
    } finally {
      tracked.running = false;
    }
  }

  /** Whether `tracked` is still the open conversation (a catch-up outlives a close otherwise). */
  private isTracked(tracked: Tracked): boolean {
    return this.tracked.get(tracked.timeline.conversationId) === tracked;
  }

  private report(conversationId: string, added: ChatMessage[]): void {
    if (added.length > 0) this.deps.added(conversationId, added);
  }
}
