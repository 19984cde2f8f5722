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
import { createDynamoUserStore } from '../adapters/dynamo-users';
import { createLogger } from '../adapters/logger';
import { readConfig } from '../config';
import type { ChatContext } from '../domain/chat-context';
import { SendLimitMemory } from '../domain/send-limits';
import { TokenBuckets } from '../domain/token-bucket';
import type { Caller } from '../domain/identity';
import type { WebSocketEvent } from './websocket-event';

export const config = readConfig();
export const log = createLogger();
const db = createDocumentClient({ endpoint: config.dynamodbEndpoint, region: config.region });

const stores = {
  users: createDynamoUserStore(db, config.tables.users),
  connections: createDynamoConnectionRegistry(db, config.tables),
  conversations: createDynamoConversationStore(db, config.tables),
  messages: createDynamoMessageStore(db, config.tables),
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
 * Who is behind a connection, from its record. Identities never change during a connection, so
 * they are cached per process (bounded), saving a read on every frame of a warm function.
 */
const callers = new Map<string, Caller>();
const MAX_CACHED_CALLERS = 5000;

/** The caller behind `connectionId`, or undefined when the connection has no record. */
export async function identifyCaller(
  ctx: ChatContext,
  connectionId: string,
): Promise<Caller | undefined> {
  const cached = callers.get(connectionId);
  if (cached) return cached;
  const record = await ctx.connections.lookup(connectionId);
  if (!record) return undefined;
  const caller: Caller = {
    connectionId,
    userId: record.userId,
    name: record.name,
    role: record.role,
  };
  if (callers.size >= MAX_CACHED_CALLERS) {
    const oldest = callers.keys().next().value;
    if (oldest !== undefined) callers.delete(oldest);
  }
  callers.set(connectionId, caller);
  return caller;
}

/**
 * Drops a closed connection from this process's cache. On AWS each function has its own cache, so
 * this only frees memory early; entries are never wrong, as a connection's identity never changes.
 */
export function forgetConnection(connectionId: string): void {
  callers.delete(connectionId);
  frameThrottle.forget(connectionId);
}
