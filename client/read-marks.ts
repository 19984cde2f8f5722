/**
 * Read marks. Outgoing: the highest seq the user has seen per conversation, sent when connected
 * (and after a reconnect if it could not go out). Incoming: the read positions others report.
 */
import type { ClientFrame } from '../protocol/client-frames';
import type { ReadNoticeFrame } from '../protocol/server-frames';

export class ReadMarks {
  private readonly wanted = new Map<string, number>();
  private readonly sent = new Map<string, number>();
  private readonly positions = new Map<string, Map<string, number>>();
  /** The other side's position as the server reported it (`peerReadSeq`), which a reload keeps. */
  private readonly peers = new Map<string, number>();

  constructor(private readonly send: (frame: ClientFrame) => boolean) {}

  /** The user has seen `conversationId` up to `seq`. */
  mark(conversationId: string, seq: number): void {
    const known = Math.max(
      this.wanted.get(conversationId) ?? 0,
      this.sent.get(conversationId) ?? 0,
    );
    if (seq <= known) return;
    this.wanted.set(conversationId, seq);
    this.flush();
  }

  /** Sends every mark not sent yet (called again on every open). */
  flush(): void {
    for (const [conversationId, seq] of this.wanted) {
      if (seq <= (this.sent.get(conversationId) ?? 0)) continue;
      if (this.send({ action: 'read', conversationId, seq })) this.sent.set(conversationId, seq);
    }
  }

  /** Records another member's read position. */
  notice(frame: ReadNoticeFrame): void {
    let positions = this.positions.get(frame.conversationId);
    if (!positions) {
      positions = new Map();
      this.positions.set(frame.conversationId, positions);
    }
    if (frame.seq > (positions.get(frame.userId) ?? 0)) positions.set(frame.userId, frame.seq);
  }

  /**
   * The server's `peerReadSeq` of a conversation (in `conversations` and `history`); returns
   * whether it moved. It never goes back (a reply may be older than a live notice).
   */
  peer(conversationId: string, seq: number): boolean {
    if (seq <= (this.peers.get(conversationId) ?? 0)) return false;
    this.peers.set(conversationId, seq);
    return true;
  }

  /** How far others have read: the server's peer position or any live notice not from `me`. */
  readByOthers(conversationId: string, me: string | undefined): number {
    let furthest = this.peers.get(conversationId) ?? 0;
    for (const [userId, seq] of this.readers(conversationId)) {
      if (userId !== me && seq > furthest) furthest = seq;
    }
    return furthest;
  }

  /** Read positions of others in a conversation (userId -> seq). */
  readers(conversationId: string): ReadonlyMap<string, number> {
    return this.positions.get(conversationId) ?? new Map();
  }
}
