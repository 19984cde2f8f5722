/**
 * The messages the client holds for one conversation, keyed by `seq`, deduplicated, and the
 * highest seq up to which it holds everything (`lastSeq`). A message beyond `lastSeq + 1` is a
 * gap: it is kept, and the owner syncs to fill in what lies between.
 */
import type { ChatMessage } from '../protocol/server-frames';

export class Timeline {
  private readonly bySeq = new Map<number, ChatMessage>();
  private ordered: ChatMessage[] | undefined = [];
  /** Whether the newest page has been loaded (before that, arrivals are only buffered). */
  loaded = false;
  /** Lowest seq of the contiguous window the client holds. */
  oldestSeq = 1;
  /** Every message from `oldestSeq` to `lastSeq` is held. 0: none. */
  lastSeq = 0;
  /** Whether older messages than `oldestSeq` exist on the server. */
  hasOlder = false;

  constructor(readonly conversationId: string) {}

  /** Highest seq held, contiguous or not. */
  get highestSeq(): number {
    let highest = 0;
    for (const seq of this.bySeq.keys()) if (seq > highest) highest = seq;
    return highest;
  }

  /** Whether messages beyond a hole are held (a sync must fill it). */
  get hasGap(): boolean {
    return this.loaded && this.highestSeq > this.lastSeq;
  }

  /** Every held message in seq order. */
  messages(): readonly ChatMessage[] {
    if (!this.ordered) this.ordered = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    return this.ordered;
  }

  has(seq: number): boolean {
    return this.bySeq.has(seq);
  }

  /**
   * Adds messages of this conversation; returns those not held before. A tombstone for a message
   * held with its text replaces it (counted in `takenDown`, not returned): a recall the client
   * missed while offline shows when a sync returns the message again.
   */
  add(messages: readonly ChatMessage[]): ChatMessage[] {
    const added: ChatMessage[] = [];
    for (const message of messages) {
      if (message.conversationId !== this.conversationId) continue;
      const held = this.bySeq.get(message.seq);
      if (held) {
        if (message.recalled !== undefined && held.recalled === undefined) {
          this.bySeq.set(message.seq, message);
          this.ordered = undefined;
          this.takenDown++;
        }
        continue;
      }
      this.bySeq.set(message.seq, message);
      added.push(message);
    }
    if (added.length > 0) {
      this.ordered = undefined;
      this.advance();
    }
    return added;
  }

  /** Tombstones applied to held messages so far (the view changed without a new message). */
  takenDown = 0;

  /**
   * A `recalled` notice: the held message becomes a tombstone (text gone). False when the seq is
   * not held or is a tombstone already (a repeated notice changes nothing).
   */
  takeDown(seq: number, by: 'sender' | 'admin'): boolean {
    const held = this.bySeq.get(seq);
    if (!held || held.recalled !== undefined) return false;
    this.bySeq.set(seq, { ...held, text: '', recalled: by });
    this.ordered = undefined;
    this.takenDown++;
    return true;
  }

  /**
   * The newest page arrived (the first load): the window starts at its first message, or at 1
   * when the conversation is empty. Messages buffered meanwhile join it.
   */
  loadNewest(page: readonly ChatMessage[], hasMore: boolean): ChatMessage[] {
    const added = this.add(page);
    const first = page[0];
    this.oldestSeq = first ? first.seq : 1;
    this.lastSeq = this.oldestSeq - 1;
    this.hasOlder = hasMore;
    this.loaded = true;
    this.advance();
    return added;
  }

  /** An older page arrived (scrolling up). */
  loadOlder(page: readonly ChatMessage[], hasMore: boolean): ChatMessage[] {
    const added = this.add(page);
    const first = page[0];
    if (first && first.seq < this.oldestSeq) this.oldestSeq = first.seq;
    this.hasOlder = hasMore && page.length > 0;
    return added;
  }

  private advance(): void {
    if (!this.loaded) return;
    while (this.bySeq.has(this.lastSeq + 1)) this.lastSeq++;
  }
}
