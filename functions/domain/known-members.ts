/**
 * Room members this function instance saw pass the membership check lately (issue 18: a room
 * send's round trips).
 *
 * A room send reads the conversation, the sender's member item and the idempotency key before it
 * takes a seq (send-message.ts), yet the message's transaction checks the same things again as
 * conditions (room-send.ts `appendAt`: the member item must exist, the idempotency key must not).
 * For a sender this instance has seen as a member within the bound, the read is skipped: the seq
 * is taken at once and the transaction stays the authority. The memory never grants anything —
 * a member who left meanwhile is refused by the transaction, their seq is filled, and the send
 * takes the full path (which answers the exact error). What a stale entry costs is that filler,
 * at most once: a refusal forgets the entry.
 *
 * Bounds: `MAX_KNOWN_MEMBERS` entries (the oldest makes room), each kept for `ttlMs` from the
 * check that passed (the runtime uses `identityCacheMs`, the bound of the instance's other
 * memory of who is who).
 */

/** Entries kept at most; the oldest makes room for a new one. */
export const MAX_KNOWN_MEMBERS = 5000;

export class KnownMembers {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number = MAX_KNOWN_MEMBERS,
  ) {}

  /** Whether `userId` passed the membership check of `conversationId` within the bound. */
  has(conversationId: string, userId: string, now: number): boolean {
    const key = keyOf(conversationId, userId);
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(key);
    return false;
  }

  /** Records that `userId` passed the membership check of `conversationId` at `now`. */
  remember(conversationId: string, userId: string, now: number): void {
    const key = keyOf(conversationId, userId);
    // Re-inserted so that Map order stays oldest first.
    this.until.delete(key);
    if (this.until.size >= this.max) {
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
    }
    this.until.set(key, now + this.ttlMs);
  }

  /** Drops an entry the store contradicted. */
  forget(conversationId: string, userId: string): void {
    this.until.delete(keyOf(conversationId, userId));
  }

  /** Entries held (expired ones included until they are next looked up or pushed out). */
  get size(): number {
    return this.until.size;
  }
}

function keyOf(conversationId: string, userId: string): string {
  // JSON keeps the pair unambiguous whatever characters either id holds.
  return JSON.stringify([conversationId, userId]);
}
