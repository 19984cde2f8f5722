/**
 * What the desk's workflow needs from storage: conditional state changes of support conversations
 * with their record, the inbox per state, bounded counts, and the canned replies. Implemented by
 * functions/adapters/dynamo-desk.ts and dynamo-canned-replies.ts; no SDK type here.
 */
import type { DeskState } from '../../protocol/desk';
import type { ConversationRecord } from './ports';

/** Past every waiting-since time (epoch ms below 1e14 until the year 5138): see deskSortOf. */
export const NOT_WAITING_BASE = 1e14;

/**
 * The byDesk sort key: a conversation somebody waits in sorts by how long (oldest first); one
 * nobody waits in comes after all of those, newest activity first.
 */
export function deskSortOf(waitingSince: number | undefined, lastActivityAt: number): number {
  return waitingSince ?? NOT_WAITING_BASE - lastActivityAt;
}

/** What happened to a conversation's desk state. */
export type DeskChange = 'claim' | 'release' | 'transfer' | 'resolve' | 'reopen' | 'new';

/** One entry of the desk's record (the deskEvents table). */
export interface DeskEventRecord {
  readonly conversationId: string;
  /** Epoch ms. */
  readonly at: number;
  /** Unique within the conversation (with `at`, the sort key). */
  readonly eventId: string;
  readonly change: DeskChange;
  readonly actorId: string;
  readonly actorName: string;
  readonly state: DeskState;
  readonly ownerId?: string;
  readonly ownerName?: string;
  readonly previousOwnerId?: string;
}

/**
 * A staff reply that answered a waiting student, recorded in the send transaction (deskEvents,
 * `change: reply`): the desk's response times (functions/domain/export.ts).
 */
export interface DeskReplyRecord {
  readonly conversationId: string;
  /** Epoch ms of the reply. */
  readonly at: number;
  readonly eventId: string;
  readonly actorId: string;
  readonly actorName: string;
  /** Epoch ms of the student's oldest message it answered. */
  readonly waitingSince: number;
}

/** The desk fields a message writes, inside the send transaction (desk-send.ts). */
export interface DeskSendUpdate {
  /** Set, or removed when null (a staff reply answers everything waiting). */
  readonly waitingSince: number | null;
  readonly deskSort: number;
  /**
   * Set when the message changes the state (a student reopening, or the first desk state of a
   * conversation): written only if the state is still `expected` (absent: no state yet).
   */
  readonly reopen?: { readonly expected: DeskState | undefined; readonly event: DeskEventRecord };
  /** Set when a staff reply answers a waiting student (never with `reopen`). */
  readonly answered?: DeskReplyRecord;
}

/** A conditional desk state change. */
export interface DeskTransition {
  readonly conversationId: string;
  /** The state and owner the change was decided on; the write fails if either moved. */
  readonly expected: {
    readonly state: DeskState | undefined;
    readonly ownerId: string | undefined;
  };
  readonly next: {
    readonly state: DeskState;
    readonly ownerId?: string;
    readonly ownerName?: string;
  };
  /** Written with the change: a conversation from before the desk workflow has none yet. */
  readonly deskSort: number;
  readonly event: DeskEventRecord;
}

export type DeskTransitionOutcome =
  | { readonly outcome: 'done'; readonly conversation: ConversationRecord }
  /** The state or owner moved (or another write held the item); read it again. */
  | { readonly outcome: 'conflict' };

/** Where an inbox page stopped. */
export interface DeskPosition {
  readonly deskSort: number;
  readonly conversationId: string;
}

/** Which owners an inbox page keeps. */
export type DeskOwnerMatch =
  | { readonly kind: 'any' }
  | { readonly kind: 'owner'; readonly ownerId: string }
  | { readonly kind: 'none' };

export interface DeskStore {
  transition(change: DeskTransition): Promise<DeskTransitionOutcome>;
  /**
   * Conversations in `state` whose owner matches, longest waiting first, after `after`: reads at
   * most `maxEvaluated` index items, returns at most `limit`, and where it stopped when more follow.
   */
  list(
    state: DeskState,
    owner: DeskOwnerMatch,
    limit: number,
    maxEvaluated: number,
    after?: DeskPosition,
  ): Promise<{ items: ConversationRecord[]; next?: DeskPosition }>;
  /** How many conversations are in `state`, counting at most `cap` (one bounded query). */
  count(state: DeskState, cap: number): Promise<number>;
}

export interface CannedReplyRecord {
  readonly replyId: string;
  readonly title: string;
  readonly text: string;
  readonly updatedBy: string;
  readonly updatedByName: string;
  /** Epoch ms. */
  readonly updatedAt: number;
  readonly createdAt: number;
}

export type CannedSaveOutcome = 'saved' | 'full' | 'notFound';

export interface CannedReplyStore {
  /** Every canned reply (at most MAX_CANNED_REPLIES), oldest first. */
  list(): Promise<CannedReplyRecord[]>;
  /** Adds a reply unless `max` exist already (counted atomically with the add). */
  add(reply: CannedReplyRecord, max: number): Promise<CannedSaveOutcome>;
  /** Replaces an existing reply's title and text. */
  update(reply: CannedReplyRecord): Promise<CannedSaveOutcome>;
  /** Deletes a reply; false when there was none. */
  remove(replyId: string): Promise<boolean>;
}
