/**
 * Wiring shared by the WebSocket handlers, built once per process at module load: configuration,
 * logger, the DynamoDB client and stores. Per request only the @connections sender is bound (its
 * endpoint comes from the event).
 */
import { randomUUID } from 'node:crypto';
import { connectionsEndpoint, createConnectionSender } from '../adapters/connection-sender';
import { createDocumentClient } from '../adapters/dynamo-client';
import { createDynamoConnectionRegistry } from '../adapters/dynamo-connections';
import { createDynamoConversationStore } from '../adapters/dynamo-conversations';
import { createDynamoMessageStore } from '../adapters/dynamo-messages';
import { createDynamoModerationStore } from '../adapters/dynamo-moderation';
import { createDynamoUserStore } from '../adapters/dynamo-users';
import { createLogger } from '../adapters/logger';
import { readConfig } from '../config';
import type { ChatContext } from '../domain/chat-context';
import { SendLimitMemory } from '../domain/send-limits';
import { TokenBuckets } from '../domain/token-bucket';
import { type Caller, roleFor } from '../domain/identity';
import type { WebSocketEvent } from './websocket-event';

export const config = readConfig();
export const log = createLogger();
const db = createDocumentClient({ endpoint: config.dynamodbEndpoint, region: config.region });

const stores = {
  users: createDynamoUserStore(db, config.tables.users),
  connections: createDynamoConnectionRegistry(db, config.tables),
  conversations: createDynamoConversationStore(db, config.tables),
  messages: createDynamoMessageStore(db, config.tables),
  moderation: createDynamoModerationStore(db, config.tables.moderation),
};

/** The chat context for one WebSocket event. */
export function chatContext(event: WebSocketEvent): ChatContext {
  return {
    ...stores,
    sender: createConnectionSender(
      connectionsEndpoint(config.connectionsEndpoint, event.requestContext),
      config.region,
    ),
    config: config.chat,
    log,
    now: Date.now,
    newId: () => randomUUID(),
  };
}

/**
 * Frames per connection, counted in this process. On AWS each function instance counts on its
 * own, so this bounds a flood rather than enforcing an exact quota; message sends also have an
 * exact per-user limit in DynamoDB.
 */
export const frameThrottle = new TokenBuckets(config.chat.frameBurst, config.chat.framePerSecond);

/** Senders this instance saw over their message limit (see SendLimitMemory). */
export const sendLimits = new SendLimitMemory();

/**
 * Connections this instance told RATE_LIMITED, until that reply's `retryAfterMs` has passed (the
 * same expiring memory, keyed by connection): further frames over a limit in that window get no
 * reply at all, so a flood turns into at most one post back per window, not one per frame.
 */
export const rateLimitNotices = new SendLimitMemory();

/**
 * Presence notices (join/leave) per user and room, counted in this process: toggling membership
 * cannot turn into a stream of notices to every member.
 */
export const presenceThrottle = new TokenBuckets(
  config.chat.presenceBurst,
  config.chat.presencePerSecond,
);

/**
 * Who is behind a connection. Read from its record (and the user's), then cached per process
 * (bounded) for `identityCacheMs`, saving reads on most frames of a warm function; after that the
 * records are read again, so a block or a change of ADMINS reaches every open connection within
 * that time even when nothing closed it (docs/protocol.md "When rights end"). The first read of a
 * connection younger than `identityCacheMs` trusts the block state its $connect read (no older
 * than the cache would be); a refresh reads both records at once (one round trip).
 */
const callers = new Map<string, { readonly caller: Caller; readonly until: number }>();
const MAX_CACHED_CALLERS = 5000;

/**
 * What a connection may do now: its caller, `revoked` when the user was blocked or their role
 * changed since it connected (the connection must close: its subscriptions are the old role's),
 * or undefined when the connection has no record.
 */
export async function identifyCaller(
  ctx: ChatContext,
  connectionId: string,
): Promise<Caller | 'revoked' | undefined> {
  const now = ctx.now();
  const cached = callers.get(connectionId);
  if (cached && cached.until > now) return cached.caller;
  const known = cached?.caller.userId;
  const [record, knownUser] = await Promise.all([
    ctx.connections.lookup(connectionId),
    known !== undefined ? ctx.users.get(known) : Promise.resolve(undefined),
  ]);
  if (!record) {
    callers.delete(connectionId);
    return undefined;
  }
  if (roleFor(record.userId, config.admins) !== record.role) return 'revoked';
  const connectedRecently = now - record.connectedAt < config.identityCacheMs;
  if (!connectedRecently || known !== undefined) {
    const user = known === record.userId ? knownUser : await ctx.users.get(record.userId);
    if (!user || user.blocked) return 'revoked';
  }
  const caller: Caller = {
    connectionId,
    userId: record.userId,
    name: record.name,
    role: record.role,
  };
  callers.delete(connectionId);
  if (callers.size >= MAX_CACHED_CALLERS) {
    const oldest = callers.keys().next().value;
    if (oldest !== undefined) callers.delete(oldest);
  }
  callers.set(connectionId, { caller, until: now + config.identityCacheMs });
  return caller;
}

/** Drops a closed connection from this process's cache (on AWS, each function has its own). */
export function forgetConnection(connectionId: string): void {
  callers.delete(connectionId);
  frameThrottle.forget(connectionId);
}
