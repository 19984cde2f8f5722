/**
 * A fan-out that meets a 410 Gone removes the connection as stale — but not a connection that is
 * still in its $connect: the gateway answers 410 for it too, although it is about to open. (The
 * bench found this: presence fan-outs during a burst of disconnects deleted the record of an
 * admin who was connecting, whose first frame then failed with "session not found".)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionsEndpoint,
  createConnectionSender,
} from '../functions/adapters/connection-sender';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import { createDynamoConnectionRegistry } from '../functions/adapters/dynamo-connections';
import { createDynamoConversationStore } from '../functions/adapters/dynamo-conversations';
import { createDynamoMessageStore } from '../functions/adapters/dynamo-messages';
import { createDynamoUserStore } from '../functions/adapters/dynamo-users';
import { createLogger } from '../functions/adapters/logger';
import { readConfig } from '../functions/config';
import { createDynamoModerationStore } from '../functions/adapters/dynamo-moderation';
import type { ChatContext } from '../functions/domain/chat-context';
import { fanOut, STALE_CONNECTION_GRACE_MS } from '../functions/domain/fan-out';
import type { LocalStack } from '../local/local-stack';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let ctx: ChatContext;

beforeAll(async () => {
  stack = await startTestStack();
  const db = createDocumentClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' });
  const { host } = new URL(stack.urls.http);
  ctx = {
    users: createDynamoUserStore(db, stack.tables.users),
    connections: createDynamoConnectionRegistry(db, stack.tables),
    conversations: createDynamoConversationStore(db, stack.tables),
    messages: createDynamoMessageStore(db, stack.tables),
    moderation: createDynamoModerationStore(db, stack.tables.moderation),
    // No user text is stored here; a check would be a bug.
    content: {
      check: () => Promise.reject(new Error('no content check expected')),
    },
    // The real @connections API of the local gateway, which knows none of these connections.
    sender: createConnectionSender(
      connectionsEndpoint('http://{domainName}/{stage}', {
        apiId: 'local',
        domainName: host,
        stage: 'local',
      }),
      'us-east-1',
    ),
    config: readConfig().chat,
    log: createLogger(),
    now: Date.now,
    newId: randomUUID,
  };
});

afterAll(async () => {
  await stack.stop();
});

async function registered(connectedAt: number): Promise<{ connectionId: string; topic: string }> {
  const connectionId = `c-${randomUUID()}`;
  const topic = `room:${randomUUID()}`;
  await ctx.connections.open(
    { connectionId, userId: 'u1', name: 'U1', role: 'student', connectedAt, topics: [topic] },
    Math.floor(Date.now() / 1000) + 3600,
  );
  return { connectionId, topic };
}

const frame = { type: 'typing', conversationId: 'room:x', userId: 'u2', name: 'U2', typing: true };

describe('stale connection cleanup during fan-out', () => {
  it('keeps a connection that may still be in its $connect', async () => {
    // Prepare: the record $connect writes first; the gateway has no open socket for it yet.
    const { connectionId, topic } = await registered(Date.now());
    // Act
    const report = await fanOut(ctx, [topic], frame as never);
    // Assess
    expect(report).toEqual({ delivered: 0, gone: 1, failed: 0, dispatched: 0 });
    expect(await ctx.connections.lookup(connectionId)).toMatchObject({ connectionId });
    expect(await ctx.connections.subscribers(topic)).toEqual([{ connectionId, userId: 'u1' }]);
  });

  it('removes a connection older than the grace period that the gateway reports gone', async () => {
    // Prepare
    const { connectionId, topic } = await registered(Date.now() - STALE_CONNECTION_GRACE_MS - 1000);
    // Act
    const report = await fanOut(ctx, [topic], frame as never);
    // Assess
    expect(report).toEqual({ delivered: 0, gone: 1, failed: 0, dispatched: 0 });
    expect(await ctx.connections.lookup(connectionId)).toBeUndefined();
    expect(await ctx.connections.subscribers(topic)).toEqual([]);
  });

  it('closes unconditionally when no time is given ($disconnect)', async () => {
    // Prepare
    const { connectionId } = await registered(Date.now());
    // Act
    const closed = await ctx.connections.close(connectionId);
    // Assess
    expect(closed).toMatchObject({ connectionId, userId: 'u1' });
    expect(await ctx.connections.lookup(connectionId)).toBeUndefined();
  });
});
