/**
 * Senders this function instance has seen go over their message limit, until their window ends.
 * The exact limit lives in DynamoDB (a counter inside the send transaction); this memory only
 * refuses a sender already known to be over it without another round trip, so a flood past the
 * limit costs no database work and cannot slow down everyone else's sends. On AWS each function
 * instance learns on its own; a refusal is never wrong, because the window it remembers was
 * reported full by DynamoDB.
 */
export class SendLimitMemory {
  private readonly until = new Map<string, number>();

  constructor(private readonly maxKeys = 10_000) {}

  /** Milliseconds until `userId` may send again; 0 when not known to be over the limit. */
  wait(userId: string, now: number): number {
    const until = this.until.get(userId);
    if (until === undefined) return 0;
    if (until <= now) {
      this.until.delete(userId);
      return 0;
    }
    return until - now;
  }

  /** Remembers that `userId` is over the limit until `until` (epoch ms). */
  limited(userId: string, until: number): void {
    this.until.delete(userId);
    this.until.set(userId, until);
    // Insertion order: the first key is the oldest entry.
    if (this.until.size > this.maxKeys) {
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
    }
  }
}
