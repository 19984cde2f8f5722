/**
 * What the chat domain needs from the outside world. The DynamoDB adapters and the @connections
 * sender implement these; the domain never sees an SDK type.
 */
import type { ContentLabel } from '../../protocol/content-labels';
import type { REPORT_REASONS } from '../../protocol/limits';
import type {
  ChatMessage,
  ConversationKind,
  RecalledBy,
  ReportStatus,
  Role,
} from '../../protocol/server-frames';
import type { Identity } from './identity';
import type { DeskState } from '../../protocol/desk';
import type { DeskSendUpdate } from './desk-ports';

export interface UserRecord {
  readonly userId: string;
  readonly name: string;
  readonly role: Role;
  readonly blocked: boolean;
  readonly createdAt: number;
  readonly lastLoginAt: number;
}

export interface UserStore {
  get(userId: string): Promise<UserRecord | undefined>;
  /** Creates or updates the user, keeping `createdAt` and `blocked` of an existing record. */
  recordLogin(user: Pick<UserRecord, 'userId' | 'name' | 'role'>, at: number): Promise<UserRecord>;
  /** Sets or clears the user's blocked flag; false when no such user ever logged in. */
  setBlocked(userId: string, blocked: boolean): Promise<boolean>;
  /**
   * The per-user item joins and connects meet on. Membership and connections are otherwise found
   * through eventually consistent indexes (members.byUser, connections.byUser), so a join racing
   * a $connect could each miss the other. Each side here writes and reads the same item in one
   * atomic request, so whichever comes second sees the first.
   *
   * Adds an open connection; returns the user's rooms and open connections after it.
   */
  attachConnection(userId: string, connectionId: string): Promise<UserLiveState>;
  /** Removes a connection that closed. */
  detachConnection(userId: string, connectionIds: readonly string[]): Promise<void>;
  /** Adds a room the user joined (or created); returns the state after it. */
  addRoom(userId: string, conversationId: string): Promise<UserLiveState>;
  /** Removes a room the user left; returns the state after it. */
  removeRoom(userId: string, conversationId: string): Promise<UserLiveState>;
}

/** What the per-user item says: the rooms a user is in and their open connections. */
export interface UserLiveState {
  readonly rooms: readonly string[];
  readonly connections: readonly string[];
}

export interface ConnectionRecord extends Identity {
  readonly connectionId: string;
  readonly connectedAt: number;
  /** The console session (scan to log in) the connection's token belongs to, if any. */
  readonly webSessionId?: string;
  /** Fan-out topics this connection is subscribed to (its subscription items). */
  readonly topics: readonly string[];
  /**
   * The app reported itself in the background (`appstate`): the socket may be open but nobody is
   * looking, and WeChat suspends it. Absent: foreground (every connection opens in the foreground).
   */
  readonly background?: boolean;
}

export interface Subscriber {
  readonly connectionId: string;
  readonly userId: string;
}

export interface SubscriptionEntry extends Subscriber {
  readonly topic: string;
}

export interface ConnectionRegistry {
  /**
   * Stores the connection and subscribes it to `topics` (the record first: every subscription's
   * topic is on the record, so `close` can always find it).
   */
  open(connection: ConnectionRecord, expiresAt: number): Promise<void>;
  lookup(connectionId: string): Promise<ConnectionRecord | undefined>;
  /**
   * Deletes the connection and all its subscriptions (subscriptions first, the record last, so a
   * close that fails part way can be finished by another); returns what was stored, if anything.
   * With `connectedBefore` (epoch ms), a connection that connected at or after it is left alone.
   */
  close(
    connectionId: string,
    options?: { readonly connectedBefore?: number },
  ): Promise<ConnectionRecord | undefined>;
  /**
   * Subscribes connections to topics. A connection that closed meanwhile is skipped, so a late
   * subscribe never resurrects a closed connection.
   */
  subscribe(entries: readonly SubscriptionEntry[], expiresAt: number): Promise<void>;
  unsubscribe(entries: readonly Omit<SubscriptionEntry, 'userId'>[]): Promise<void>;
  /** Every open connection subscribed to the topic (all pages). */
  subscribers(topic: string): Promise<Subscriber[]>;
  /** Whether any connection is subscribed to the topic (one small read). */
  hasSubscribers(topic: string): Promise<boolean>;
  /** Ids of the open connections of a user. Eventually consistent (read from an index). */
  connectionsOf(userId: string): Promise<string[]>;
  /**
   * Marks an open connection as in the background (or back in the foreground), at `at` (epoch
   * ms). A connection that closed meanwhile is left alone (never recreated).
   */
  setBackground(connectionId: string, background: boolean, at: number): Promise<void>;
  /**
   * The records of these connections that still exist, read consistently (at most 100 at once
   * per request; more are read in several).
   */
  lookupMany(connectionIds: readonly string[]): Promise<ConnectionRecord[]>;
}

export interface MessagePreviewRecord {
  readonly seq: number;
  readonly senderId: string;
  readonly senderName: string;
  readonly senderRole: Role;
  readonly text: string;
  readonly sentAt: string;
  readonly recalled?: RecalledBy;
  /** An image message (lists show [图片] before the caption). */
  readonly image?: true;
}

/** A preview before its message has a seq: what a room send writes with the seq it takes. */
export type PendingPreviewRecord = Omit<MessagePreviewRecord, 'seq'>;

export interface ConversationRecord {
  readonly conversationId: string;
  readonly kind: ConversationKind;
  readonly title: string;
  readonly lastSeq: number;
  readonly lastActivityAt: number;
  readonly createdAt: number;
  readonly lastMessage?: MessagePreviewRecord;
  /** Support conversations: the student. */
  readonly studentId?: string;
  /** Rooms. */
  readonly memberCount?: number;
  readonly createdBy?: string;
  /** Support conversations: the furthest seq any admin has marked read (0: none). */
  readonly deskReadSeq?: number;
  /** Support conversations: the desk's workflow (functions/domain/desk.ts); absent: `open`. */
  readonly deskState?: DeskState;
  readonly ownerId?: string;
  readonly ownerName?: string;
  /** Epoch ms of the student's oldest unanswered message; absent when none waits. */
  readonly waitingSince?: number;
  /** The byDesk index's sort key as stored (desk-ports.ts deskSortOf). */
  readonly deskSort?: number;
  /** Rooms: epoch ms of the latest seq allocation (how old a hole below lastSeq is at least). */
  readonly seqAllocatedAt?: number;
}

export interface MemberRecord {
  readonly conversationId: string;
  readonly userId: string;
  readonly readSeq: number;
  readonly joinedAt?: number;
}

/** A place in the newest-activity-first order of conversations: resume after this one. */
export interface ListPosition {
  readonly lastActivityAt: number;
  readonly conversationId: string;
}

export interface Page<T> {
  readonly items: T[];
  /** Whether more items follow the last one. */
  readonly more: boolean;
}

export type JoinOutcome = 'joined' | 'alreadyMember' | 'noSuchRoom';
export type LeaveOutcome = 'left' | 'notMember';

export interface ConversationStore {
  get(conversationId: string): Promise<ConversationRecord | undefined>;
  getMany(conversationIds: readonly string[]): Promise<ConversationRecord[]>;
  /** Up to `limit` conversations of one kind, most recent activity first, after `after`. */
  listByKind(
    kind: ConversationKind,
    limit: number,
    after?: ListPosition,
  ): Promise<Page<ConversationRecord>>;
  /** The conversation and the user's member item, in one round trip. */
  getWithMember(
    conversationId: string,
    userId: string,
  ): Promise<{ conversation?: ConversationRecord; member?: MemberRecord }>;
  getMembers(keys: readonly { conversationId: string; userId: string }[]): Promise<MemberRecord[]>;
  /** Ids of every conversation the user has a member item in. Eventually consistent. */
  conversationIdsOf(userId: string): Promise<string[]>;
  createRoom(room: ConversationRecord, creator: MemberRecord): Promise<void>;
  join(conversationId: string, member: MemberRecord): Promise<JoinOutcome>;
  leave(conversationId: string, userId: string): Promise<LeaveOutcome>;
  /**
   * Raises the user's read position to `seq`; false when it already was at or past it, or when
   * `requireMember` is set and the user is no longer a member.
   */
  markRead(
    conversationId: string,
    userId: string,
    seq: number,
    requireMember: boolean,
  ): Promise<boolean>;
  /** Raises a support conversation's `deskReadSeq` to `seq` (never lowers it). */
  raiseDeskRead(conversationId: string, seq: number): Promise<void>;
}

/** What one BatchGet returns before a send: enough to authorize, number and de-duplicate it. */
export interface SendContext {
  readonly conversation?: ConversationRecord;
  readonly member?: MemberRecord;
  /** Set when this sender already used this client id. */
  readonly previous?: { readonly conversationId: string; readonly seq: number };
}

export interface AppendRequest {
  readonly message: ChatMessage;
  /** The conversation's lastSeq the new seq was computed from (optimistic concurrency). */
  readonly expectedLastSeq: number;
  /** Support conversations are created by their first message. */
  readonly createConversation?: Pick<ConversationRecord, 'kind' | 'title' | 'studentId'>;
  /** Rooms: the sender must still be a member when the write commits. */
  readonly requireMembership: boolean;
  readonly preview: MessagePreviewRecord;
  readonly rateLimit: RateLimitWindow;
  /** Support conversations: the desk fields the message changes (functions/domain/desk-send.ts). */
  readonly desk?: DeskSendUpdate;
}

/** A room message at an allocated seq (MessageStore.appendAt). */
export interface AppendAtRequest {
  readonly message: ChatMessage;
  readonly rateLimit: RateLimitWindow;
}

export type AppendAtOutcome =
  | { readonly outcome: 'stored' }
  /** The sender's id is stored already (this send raced itself, or a retry after a lost reply). */
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'notMember' }
  | { readonly outcome: 'rateLimited' }
  /** The seq was filled meanwhile (the send took longer than a reader waits for a hole). */
  | { readonly outcome: 'seqTaken' }
  /** Another write held one of the items (the sender's member or rate-limit item): try again. */
  | { readonly outcome: 'conflict' };

export interface RateLimitWindow {
  readonly key: string;
  readonly limit: number;
  /** Epoch seconds after which the counter item may be deleted. */
  readonly expiresAt: number;
}

export type AppendOutcome =
  | { readonly outcome: 'stored' }
  /** Lost the seq race; `lastSeq` is the conversation's seq now, when the store could tell. */
  | { readonly outcome: 'conflict'; readonly lastSeq?: number }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'notMember' }
  | { readonly outcome: 'rateLimited' };

export interface MessageStore {
  loadSendContext(conversationId: string, userId: string, clientId: string): Promise<SendContext>;
  /** Stores the message, its idempotency key, the new lastSeq and the sender's read position, all or nothing. */
  append(request: AppendRequest): Promise<AppendOutcome>;
  /**
   * Rooms (functions/domain/room-send.ts): takes the next seq from the conversation's counter
   * (one atomic increment, so concurrent senders never conflict) and, in the same write, makes
   * `preview` the conversation's last message at that seq. Undefined: no such conversation.
   */
  allocateSeq(
    conversationId: string,
    at: number,
    preview: PendingPreviewRecord,
  ): Promise<number | undefined>;
  /**
   * Rooms: stores a message at a seq `allocateSeq` gave, with its idempotency key, the sender's
   * read position and the rate-limit count, all or nothing. The conversation item is not part of
   * it, so senders of one room hold no item in common.
   */
  appendAt(request: AppendAtRequest): Promise<AppendAtOutcome>;
  /**
   * Writes a `skipped` filler at `seq` unless something is stored there: the seq of a send that
   * failed after allocation, so readers see no gap. `taken`: a message (or filler) is there.
   */
  fillSeq(conversationId: string, seq: number, at: number): Promise<'filled' | 'taken'>;
  /**
   * Rooms: when the conversation's preview is the one of seq `replaced` (a seq filled as
   * `skipped`), makes it `preview` instead (undefined: no preview). Otherwise a later send's is
   * there, and stays.
   */
  replacePreview(
    conversationId: string,
    replaced: number,
    preview: MessagePreviewRecord | undefined,
  ): Promise<void>;
  /** A stored message; undefined when there is none at `seq` (a `skipped` filler is none). */
  get(conversationId: string, seq: number): Promise<ChatMessage | undefined>;
  /** Messages with after < seq < before, ascending; `newest` takes the last `limit` of them. */
  list(
    conversationId: string,
    range: { after: number; before?: number; limit: number; newest: boolean },
  ): Promise<{ messages: ChatMessage[]; hasMore: boolean }>;
  /**
   * Turns a stored message into a tombstone: the text is deleted from the item (not hidden), the
   * seq stays. Then, if the conversation's preview is this message, the preview too. Safe to
   * repeat: an existing tombstone keeps who took it down first, and its preview is still fixed.
   */
  tombstone(request: TombstoneRequest): Promise<TombstoneOutcome>;
}

export interface TombstoneRequest {
  readonly conversationId: string;
  readonly seq: number;
  readonly by: RecalledBy;
  /** Epoch ms. */
  readonly at: number;
}

export type TombstoneOutcome =
  /** `message` is the tombstone as it is now (possibly taken down earlier, by someone else). */
  | { readonly outcome: 'done'; readonly message: ChatMessage; readonly recalledAt: number }
  | { readonly outcome: 'notFound' };

/** Posts frames to connections through the gateway. */
export interface FrameSender {
  /** Throws ConnectionGoneError when the gateway no longer knows the connection. */
  send(connectionId: string, data: string): Promise<void>;
  disconnect(connectionId: string): Promise<void>;
}

export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** The kinds of user text content security checks; each has its own msgSecCheck scene. */
export type ContentKind = 'message' | 'displayName' | 'roomTitle';

/** Content security's judgement of one text (all its parts together). */
export interface ContentVerdict {
  /** `pass`; `review`: may be a problem, a person should look; `risky`: refuse it. */
  readonly suggest: 'pass' | 'review' | 'risky';
  readonly label: ContentLabel;
  /** WeChat's trace ids, one per part checked: for the logs and WeChat support, never clients. */
  readonly traceIds: readonly string[];
}

/** Content security (WeChat msgSecCheck v2 in production: adapters/wechat-content-check.ts). */
export interface ContentChecker {
  /**
   * The verdict on `text` written by `authorId` (their openid). Throws UnavailableError when no
   * verdict can be had (WeChat down, quota spent): the caller must not store the text then.
   */
  check(text: string, kind: ContentKind, authorId: string): Promise<ContentVerdict>;
}

export type ReportReason = (typeof REPORT_REASONS)[number];

/**
 * Who took a message down, when and why: the desk's moderation record. A removal by an admin keeps
 * the removed text (the evidence the desk acted on); a sender's recall keeps none (the sender took
 * their own words back).
 */
export interface TakedownRecord {
  readonly conversationId: string;
  readonly seq: number;
  readonly by: RecalledBy;
  readonly actorId: string;
  readonly senderId: string;
  /** Epoch ms. */
  readonly at: number;
  readonly reason?: string;
  /** Admin removals only. */
  readonly removedText?: string;
}

export interface ReportRecord {
  readonly conversationId: string;
  readonly seq: number;
  readonly reporterId: string;
  readonly reason: ReportReason;
  /** Epoch ms. */
  readonly reportedAt: number;
  readonly status: ReportStatus;
  readonly senderId: string;
  readonly senderName: string;
  /** The text when reported (kept should the sender recall the message afterwards). */
  readonly text: string;
  readonly closedBy?: string;
  readonly closedAt?: number;
}

/** Where a page of open reports stopped: resume after this one. */
export interface ReportPosition {
  readonly reportedAt: number;
  readonly conversationId: string;
  readonly seq: number;
  readonly reporterId: string;
}

/** The moderation table: takedown records and reports. */
export interface ModerationStore {
  /** Keeps the first takedown record of a message (a repeat changes nothing). */
  recordTakedown(record: TakedownRecord): Promise<void>;
  /** Stores a report; a repeat by the same reporter returns the stored one unchanged. */
  addReport(report: ReportRecord): Promise<ReportRecord>;
  /** Open reports, newest first, after `after`. */
  openReports(limit: number, after?: ReportPosition): Promise<Page<ReportRecord>>;
  /** Closes one report (an already closed one keeps its status); undefined when there is none. */
  closeReport(
    key: Pick<ReportRecord, 'conversationId' | 'seq' | 'reporterId'>,
    status: Exclude<ReportStatus, 'open'>,
    by: string,
    at: number,
  ): Promise<ReportRecord | undefined>;
  /** Closes every open report of a message; returns how many were open. */
  closeReportsOf(
    conversationId: string,
    seq: number,
    status: Exclude<ReportStatus, 'open'>,
    by: string,
    at: number,
  ): Promise<number>;
}
