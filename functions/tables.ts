/**
 * The DynamoDB tables, declared once. The local stack creates them from this list and the CDK
 * stack provisions them from it, so the two cannot drift.
 *
 * Lifecycle tells the stack how to treat the data: `durable` tables hold what users wrote and are
 * retained and backed up; `ephemeral` tables hold connection state that expires on its own (TTL).
 */

export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Attributes copied into the index besides the keys; `ALL` copies the whole item. */
  readonly projection: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export interface TableDefinition {
  /** Short, stable name; also the suffix of the physical table name. */
  readonly id: TableId;
  /** Environment variable through which a handler learns the physical table name. */
  readonly envVar: string;
  readonly description: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly GlobalIndexDefinition[];
  /** Attribute holding an epoch-seconds expiry; DynamoDB deletes the item some time after it. */
  readonly ttlAttribute?: string;
  readonly lifecycle: 'durable' | 'ephemeral';
  /**
   * A DynamoDB stream of the table's changes, with the item images it carries. Consumers are
   * declared in functions/event-sources.ts.
   */
  readonly stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' | 'OLD_IMAGE';
}

export type TableId =
  | 'users'
  | 'connections'
  | 'subscriptions'
  | 'conversations'
  | 'members'
  | 'messages'
  | 'idempotency'
  | 'rateLimits'
  | 'wechatTokens'
  | 'webLogins'
  | 'webSessions'
  | 'moderation'
  | 'notifications'
  | 'notifyCredits'
  | 'deskEvents'
  | 'cannedReplies'
  | 'staff'
  | 'staffInvites';

export const INDEX = {
  connectionsByUser: 'byUser',
  conversationsByKind: 'byKind',
  membersByUser: 'byUser',
  openReports: 'openReports',
  conversationsByDesk: 'byDesk',
  deskEventsByDay: 'byDay',
} as const;

export const TABLES: readonly TableDefinition[] = [
  {
    id: 'users',
    envVar: 'USERS_TABLE',
    description:
      'One item per person who ever logged in: display name, role, blocked flag, and the rooms and open connections joins and connects meet on (consistent, unlike the byUser indexes).',
    partitionKey: { name: 'userId', type: 'S' },
    globalIndexes: [],
    lifecycle: 'durable',
  },
  {
    id: 'connections',
    envVar: 'CONNECTIONS_TABLE',
    description:
      'One item per open WebSocket: who it belongs to and the topics it is subscribed to.',
    partitionKey: { name: 'connectionId', type: 'S' },
    globalIndexes: [
      {
        indexName: INDEX.connectionsByUser,
        partitionKey: { name: 'userId', type: 'S' },
        sortKey: { name: 'connectionId', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
    ttlAttribute: 'expiresAt',
    lifecycle: 'ephemeral',
  },
  {
    id: 'subscriptions',
    envVar: 'SUBSCRIPTIONS_TABLE',
    description:
      'Fan-out index: topic (a conversation id, or "admins") -> the open connections to deliver to.',
    partitionKey: { name: 'topic', type: 'S' },
    sortKey: { name: 'connectionId', type: 'S' },
    globalIndexes: [],
    ttlAttribute: 'expiresAt',
    lifecycle: 'ephemeral',
  },
  {
    id: 'conversations',
    envVar: 'CONVERSATIONS_TABLE',
    description: 'Support conversations and rooms: title, last seq, last message preview.',
    partitionKey: { name: 'conversationId', type: 'S' },
    globalIndexes: [
      {
        indexName: INDEX.conversationsByKind,
        partitionKey: { name: 'kind', type: 'S' },
        sortKey: { name: 'lastActivityAt', type: 'N' },
        projection: 'ALL',
      },
      {
        // The desk's inbox (functions/domain/desk-inbox.ts): support conversations per desk
        // state, longest-waiting first (deskSort is the waiting-since time, or past every such
        // time for one nobody waits in). Sparse: rooms carry no deskState.
        indexName: INDEX.conversationsByDesk,
        partitionKey: { name: 'deskState', type: 'S' },
        sortKey: { name: 'deskSort', type: 'N' },
        projection: 'ALL',
      },
    ],
    lifecycle: 'durable',
  },
  {
    id: 'members',
    envVar: 'MEMBERS_TABLE',
    description: "A user's state in a conversation: room membership and read position.",
    partitionKey: { name: 'conversationId', type: 'S' },
    sortKey: { name: 'userId', type: 'S' },
    globalIndexes: [
      {
        indexName: INDEX.membersByUser,
        partitionKey: { name: 'userId', type: 'S' },
        sortKey: { name: 'conversationId', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
    lifecycle: 'durable',
  },
  {
    id: 'messages',
    envVar: 'MESSAGES_TABLE',
    description: 'Every message, keyed by conversation and per-conversation seq.',
    partitionKey: { name: 'conversationId', type: 'S' },
    sortKey: { name: 'seq', type: 'N' },
    globalIndexes: [],
    lifecycle: 'durable',
    // New messages drive the WeChat notifications (functions/event-sources.ts).
    stream: 'NEW_IMAGE',
  },
  {
    id: 'idempotency',
    envVar: 'IDEMPOTENCY_TABLE',
    description:
      'sendmessage idempotency keys (sender + client id) -> the message they produced. Kept as long as messages, so a retry days later still finds its message.',
    partitionKey: { name: 'sendKey', type: 'S' },
    globalIndexes: [],
    lifecycle: 'durable',
  },
  {
    id: 'rateLimits',
    envVar: 'RATE_LIMITS_TABLE',
    description: 'Fixed-window send counters per user; expire shortly after their window.',
    partitionKey: { name: 'limitKey', type: 'S' },
    globalIndexes: [],
    ttlAttribute: 'expiresAt',
    lifecycle: 'ephemeral',
  },
  {
    id: 'wechatTokens',
    envVar: 'WECHAT_TOKENS_TABLE',
    description:
      'The WeChat access token per appid, shared by every function (one fetch per expiry for the account), with its refresh lease.',
    partitionKey: { name: 'appId', type: 'S' },
    globalIndexes: [],
    // Epoch seconds, a day past the token's expiry: an app that stopped calling leaves nothing.
    ttlAttribute: 'purgeAt',
    lifecycle: 'ephemeral',
  },
  {
    id: 'webLogins',
    envVar: 'WEB_LOGINS_TABLE',
    description:
      'Scan-to-login tickets: the hash of the poll secret, who asked (browser, coarse network), the answer and the approver; single-use, expire after about two minutes.',
    partitionKey: { name: 'ticket', type: 'S' },
    globalIndexes: [],
    ttlAttribute: 'expiresAt',
    lifecycle: 'ephemeral',
  },
  {
    id: 'webSessions',
    envVar: 'WEB_SESSIONS_TABLE',
    description:
      "A staff member's console sessions opened by scanning: $connect accepts a console token only while its session item exists; signing out deletes it.",
    partitionKey: { name: 'userId', type: 'S' },
    sortKey: { name: 'sessionId', type: 'S' },
    globalIndexes: [],
    ttlAttribute: 'expiresAt',
    lifecycle: 'ephemeral',
  },
  {
    id: 'moderation',
    envVar: 'MODERATION_TABLE',
    description:
      "The desk's moderation records, per message (conversationId#seq): who took it down, when and why (an admin removal keeps the removed text), and the reports of it; and one item per picture submitted to WeChat's mediaCheckAsync (messageKey check#<trace_id>: conversation, key, sender, send id, verdict). openReports is sparse: only open reports carry its key.",
    partitionKey: { name: 'messageKey', type: 'S' },
    sortKey: { name: 'entry', type: 'S' },
    globalIndexes: [
      {
        indexName: INDEX.openReports,
        partitionKey: { name: 'queue', type: 'S' },
        sortKey: { name: 'reportedAt', type: 'N' },
        projection: 'ALL',
      },
    ],
    lifecycle: 'durable',
  },
  {
    id: 'notifications',
    envVar: 'NOTIFICATIONS_TABLE',
    description:
      'WeChat notification bookkeeping: a claim per notified message (idempotency across stream redeliveries) and the one unread notification per conversation. Expires well after the stream retention (24 h).',
    partitionKey: { name: 'notifyKey', type: 'S' },
    globalIndexes: [],
    ttlAttribute: 'expiresAt',
    lifecycle: 'ephemeral',
  },
  {
    id: 'notifyCredits',
    envVar: 'NOTIFY_CREDITS_TABLE',
    description:
      "Subscribe-message credits and choices per user and template (wx.requestSubscribeMessage acceptances, 'always keep', turned off).",
    partitionKey: { name: 'userId', type: 'S' },
    sortKey: { name: 'template', type: 'S' },
    globalIndexes: [],
    lifecycle: 'durable',
  },
  {
    id: 'deskEvents',
    envVar: 'DESK_EVENTS_TABLE',
    description:
      "The desk's record of support-conversation state changes: who claimed, released, transferred or resolved which conversation and when, and a student's reopening. Written in the same transaction as the change.",
    partitionKey: { name: 'conversationId', type: 'S' },
    sortKey: { name: 'entry', type: 'S' },
    globalIndexes: [
      {
        // Export and figures (functions/domain/export.ts): the records of a UTC day, in time
        // order, so a date range is one bounded query per day, never a scan. One partition per
        // day: desk records are a few per conversation, far below a partition's write rate.
        indexName: INDEX.deskEventsByDay,
        partitionKey: { name: 'utcDay', type: 'S' },
        sortKey: { name: 'entry', type: 'S' },
        projection: 'ALL',
      },
    ],
    lifecycle: 'durable',
  },
  {
    id: 'cannedReplies',
    envVar: 'CANNED_REPLIES_TABLE',
    description:
      "The desk's shared canned replies (常用语): one partition, one item per reply and a count item that bounds them (protocol/desk.ts MAX_CANNED_REPLIES).",
    partitionKey: { name: 'list', type: 'S' },
    sortKey: { name: 'replyId', type: 'S' },
    globalIndexes: [],
    lifecycle: 'durable',
  },
  {
    id: 'staff',
    envVar: 'STAFF_TABLE',
    description:
      'Who is on the desk (functions/domain/staff.ts): partition `staff` holds one item per staff member (role staff or manager, display name, active or away, who added them and when); partition `audit` the record of every change (who changed what, when), written in the same transaction as the change.',
    partitionKey: { name: 'list', type: 'S' },
    sortKey: { name: 'key', type: 'S' },
    globalIndexes: [],
    lifecycle: 'durable',
  },
  {
    id: 'staffInvites',
    envVar: 'STAFF_INVITES_TABLE',
    description:
      'Invitations to the staff by scan (functions/domain/staff-invites.ts): partition `invite`, one item per outstanding code (the role, the inviting manager, the expiry); single-use (accepting deletes it in the transaction that adds the staff member), live about ten minutes (protocol/staff-invites.ts STAFF_INVITE_SECONDS), at most MAX_STAFF_INVITES at once.',
    partitionKey: { name: 'list', type: 'S' },
    sortKey: { name: 'code', type: 'S' },
    globalIndexes: [],
    ttlAttribute: 'expiresAt',
    lifecycle: 'ephemeral',
  },
];

/** The table definition with the given id. */
export function tableDefinition(id: TableId): TableDefinition {
  const table = TABLES.find((t) => t.id === id);
  if (!table) throw new Error(`unknown table ${id}`);
  return table;
}

/**
 * Physical table names, from each table's environment variable (set by the CDK stack) or, where
 * that is unset, `${TABLE_PREFIX}campus-chat-${id}` (the local stack and the tests).
 */
export function resolveTableNames(env: NodeJS.ProcessEnv = process.env): Record<TableId, string> {
  const prefix = env.TABLE_PREFIX ?? '';
  const names = {} as Record<TableId, string>;
  for (const table of TABLES) {
    names[table.id] = env[table.envVar] ?? `${prefix}campus-chat-${table.id}`;
  }
  return names;
}
