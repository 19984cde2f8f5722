/**
 * The stream event sources, declared once, next to the route table: which table's stream feeds
 * which handler, with which Lambda filter criteria, batching and failure handling. The CDK stack
 * creates one event-source mapping per entry from it (infra/lib/stream-consumers.ts) and the local
 * stack runs one stream poller per entry with the same settings (local/stream-poller.ts), so what
 * reaches a handler locally is what would reach it on AWS.
 */
import type { SecretName } from './adapters/secrets';
import { type TableAccess, WECHAT_API_ACCESS } from './routes';
import type { TableId } from './tables';

/**
 * A Lambda event filter pattern (the JSON of one `FilterCriteria.Filters[].Pattern`), matched
 * against each stream record. Leaves are arrays of allowed values or operator objects (`prefix`,
 * `anything-but`, `exists`, `numeric`, ...).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export type FilterPattern = { readonly [key: string]: FilterPattern | readonly unknown[] };

export interface StreamEventSource {
  /** Short, stable name (the construct id of the mapping). */
  readonly id: string;
  /** The table whose stream is read; it must declare `stream` in functions/tables.ts. */
  readonly table: TableId;
  /** File name under `functions/handlers/` exporting `handler`. */
  readonly handler: string;
  /**
   * Records matching any of these are delivered; the rest are dropped without an invocation (and
   * count as processed). At most 5 per mapping (Lambda's default quota).
   */
  readonly filters: readonly FilterPattern[];
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Retries of a failed batch (or of the failed part, with bisect and partial failures). */
  readonly retryAttempts: number;
  /** Records older than this are sent to the on-failure destination instead of a handler. */
  readonly maxRecordAgeSeconds: number;
  readonly bisectBatchOnError: boolean;
  /** The handler answers `{ batchItemFailures }`; Lambda retries from the first failed record. */
  readonly reportBatchItemFailures: boolean;
  readonly startingPosition: 'LATEST' | 'TRIM_HORIZON';
  /** What the handler touches (granted exactly, as for routes). */
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly secrets?: readonly SecretName[];
  /**
   * Whether the handler posts to connections through the @connections API (as for routes); it
   * has no WebSocket event to learn the endpoint from, so the stack sets CONNECTIONS_API_URL.
   */
  readonly manageConnections: boolean;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

/**
 * An INSERT into a support conversation by a sender of this role (the messages table's items),
 * written by a person: the desk's automatic reply (`kind: 'auto'`) is left out, so it never
 * notifies anyone ("exists" works on leaves only, hence `kind.S`).
 */
function supportInsertBy(role: 'admin' | 'student'): FilterPattern {
  return {
    eventName: ['INSERT'],
    dynamodb: {
      NewImage: {
        conversationId: { S: [{ prefix: 'support:' }] },
        senderRole: { S: [role] },
        kind: { S: [{ exists: false }] },
      },
    },
  };
}

export const EVENT_SOURCES: readonly StreamEventSource[] = [
  {
    id: 'notify',
    table: 'messages',
    handler: 'notify',
    filters: [
      // The desk answered: maybe a "desk replied" notification to the student.
      supportInsertBy('admin'),
      // A student wrote: maybe "a student is waiting" to subscribed admins.
      supportInsertBy('student'),
    ],
    batchSize: 25,
    maxBatchingWindowSeconds: 1,
    retryAttempts: 3,
    // Far below the stream's 24 h: a notification an hour late is worse than none.
    maxRecordAgeSeconds: 3600,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    startingPosition: 'LATEST',
    tables: {
      // The student's live item (open connections) and name.
      users: 'read',
      // The student's read position, the conversation's deskReadSeq; the automatic reply's sender
      // read position (the send transaction).
      members: 'readWrite',
      // Whether an admin is online (subscriptions on the admins topic); a fan-out deletes stale ones.
      subscriptions: 'readWrite',
      notifications: 'readWrite',
      notifyCredits: 'readWrite',
      // The desk's automatic reply is stored as every message is (functions/domain/auto-reply.ts:
      // the send transaction over conversations, members, messages, idempotency and rateLimits)
      // and fanned out (connections and subscriptions, whose stale items a fan-out removes).
      conversations: 'readWrite',
      messages: 'readWrite',
      idempotency: 'readWrite',
      rateLimits: 'write',
      connections: 'readWrite',
      // Who on the staff is available (not away) and whom "a student is waiting" goes to.
      staff: 'read',
      // subscribeMessage.send with the shared access token.
      ...WECHAT_API_ACCESS.tables,
    },
    secrets: WECHAT_API_ACCESS.secrets,
    // The automatic reply is delivered to the student's open connections.
    manageConnections: true,
    memoryMb: 256,
    timeoutSeconds: 30,
  },
];

/** The event source with the given id. */
export function eventSource(id: string): StreamEventSource {
  const source = EVENT_SOURCES.find((s) => s.id === id);
  if (!source) throw new Error(`unknown event source ${id}`);
  return source;
}
