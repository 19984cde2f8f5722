import type {
  ConnectionRegistry,
  ContentChecker,
  ConversationStore,
  FrameSender,
  Log,
  MessageStore,
  ModerationStore,
  UserStore,
} from './ports';
import type { FanOutWorkers } from './fan-out-split';
import type { KnownMembers } from './known-members';
import type { StaffDirectory } from './staff-directory';

export interface ChatConfig {
  /** Messages a user may send per window (all connections together). */
  readonly sendLimit: number;
  readonly sendWindowSeconds: number;
  /** Any frame: burst and steady rate per connection (a flood guard, per function instance). */
  readonly frameBurst: number;
  readonly framePerSecond: number;
  /**
   * sendmessage frames: burst and steady rate per connection (per function instance). Keeps a
   * flood from racing itself for the same seq, which would load the table for everyone.
   */
  readonly messageBurst: number;
  readonly messagePerSecond: number;
  /** Typing frames: burst and steady rate per user and conversation (per function instance). */
  readonly typingBurst: number;
  readonly typingPerSecond: number;
  /** Join/leave presence notices: burst and steady rate per user and room (per instance). */
  readonly presenceBurst: number;
  readonly presencePerSecond: number;
  /** Open connections a user may have; $connect refuses one more with 429. */
  readonly maxConnectionsPerUser: number;
  /** Posts in flight at once during a fan-out. */
  readonly fanOutConcurrency: number;
  /** Connection and subscription items expire this long after connecting (past the 2 h maximum). */
  readonly connectionTtlSeconds: number;
  /**
   * How many times a send tries to take the next seq (optimistic concurrency) before it answers
   * BUSY with retryAfterMs: a few quick tries, never a long wait that piles up under load.
   */
  readonly sendSeqAttempts: number;
  /** Sends in flight in one function instance before the send gate answers BUSY. */
  readonly sendMaxInFlight: number;
  /** Sends in flight in one conversation (per instance) before the send gate answers BUSY. */
  readonly sendMaxInFlightPerConversation: number;
  /** The title a student sees for their support conversation. */
  readonly deskTitle: string;
}

/** Everything a use case needs, built once per process and bound to one request. */
export interface ChatContext {
  readonly users: UserStore;
  readonly connections: ConnectionRegistry;
  readonly conversations: ConversationStore;
  readonly messages: MessageStore;
  /** Takedown records and reports (recall, remove, report). */
  readonly moderation: ModerationStore;
  readonly sender: FrameSender;
  /** Content security: every user text is checked before it is stored (content-check.ts). */
  readonly content: ContentChecker;
  readonly config: ChatConfig;
  readonly log: Log;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** A new random, URL-safe id. */
  readonly newId: () => string;
  /**
   * Who is on the desk (the staff table, cached per instance: staff-directory.ts). When set, a
   * fan-out to the admins topic skips, and closes, a subscriber no longer on the staff: a demoted
   * staff member's connection stops getting support traffic, even one that only ever pings
   * (answered by the gateway, so no identity check would run).
   */
  readonly staff?: StaffDirectory;
  /**
   * Where slices of a large fan-out go (fan-out-split.ts); undefined: every fan-out is posted by
   * this function alone (the function may not invoke a fan-out worker, or it is one).
   */
  readonly fanOutWorkers?: FanOutWorkers;
  /**
   * Room members this instance saw pass the membership check lately (known-members.ts): their
   * sends skip the read before the seq. Undefined: every send reads first.
   */
  readonly knownMembers?: KnownMembers;
}

/** The expiry (epoch seconds) of connection state created now. */
export function connectionExpiry(ctx: ChatContext): number {
  return Math.floor(ctx.now() / 1000) + ctx.config.connectionTtlSeconds;
}
