/**
 * The desk's workflow from a staff client (protocol/desk.ts): claim, release, transfer, resolve a
 * support conversation; page through the inbox by state and owner; the shared canned replies (the
 * staff list and one's away status are StaffRequests', client/staff-requests.ts).
 * Claims and changes are not resent after a lost connection (the outcome may have changed: the
 * caller sees the state in the next inbox page or `deskstate` frame); reads are.
 */
import type { CannedReply, DeskCounts, DeskFilter, DeskStateFrame } from '../protocol/desk';
import type { ConversationSummary } from '../protocol/server-frames';
import type { RequestChannel } from './request-channel';

export interface DeskInboxPage {
  readonly conversations: ConversationSummary[];
  readonly counts?: DeskCounts;
  readonly cursor?: string;
}

export class DeskRequests {
  constructor(private readonly requests: RequestChannel) {}

  /** One page of the inbox: one state (and owner), longest waiting first, with counts. */
  async inbox(filter: DeskFilter, cursor?: string): Promise<DeskInboxPage> {
    const reply = await this.requests.call(
      { action: 'conversations', desk: filter, ...(cursor !== undefined ? { cursor } : {}) },
      true,
    );
    return {
      conversations: reply.conversations,
      ...(reply.deskCounts ? { counts: reply.deskCounts } : {}),
      ...(reply.cursor !== undefined ? { cursor: reply.cursor } : {}),
    };
  }

  claim(conversationId: string): Promise<DeskStateFrame> {
    return this.requests.call({ action: 'claim', conversationId }, false);
  }

  release(conversationId: string): Promise<DeskStateFrame> {
    return this.requests.call({ action: 'release', conversationId }, false);
  }

  transfer(conversationId: string, to: string): Promise<DeskStateFrame> {
    return this.requests.call({ action: 'transfer', conversationId, to }, false);
  }

  resolve(conversationId: string): Promise<DeskStateFrame> {
    return this.requests.call({ action: 'resolve', conversationId }, false);
  }

  async cannedReplies(): Promise<CannedReply[]> {
    return (await this.requests.call({ action: 'cannedreplies' }, true)).replies;
  }

  /** Adds (no `replyId`) or edits a canned reply; resolves with the whole list after it. */
  async saveCannedReply(reply: {
    replyId?: string;
    title: string;
    text: string;
  }): Promise<CannedReply[]> {
    return (await this.requests.call({ action: 'savecannedreply', ...reply }, false)).replies;
  }

  async deleteCannedReply(replyId: string): Promise<CannedReply[]> {
    return (await this.requests.call({ action: 'deletecannedreply', replyId }, true)).replies;
  }
}
