/**
 * Opening and closing a connection's session: its record, its fan-out subscriptions, and the
 * presence notices admins use to show which students are online.
 */
import type { PresenceFrame } from '../../protocol/server-frames';
import { type ChatContext, connectionExpiry } from './chat-context';
import { ADMINS_TOPIC, parseConversationId, supportConversationId } from './conversation-ids';
import { describe, fanOut } from './fan-out';
import type { Identity } from './identity';
import { type RetryBudget, retryWithin } from './retry';

/**
 * Registers a new connection of an authenticated user and subscribes it to its conversations.
 * When any step fails, what was registered is removed again (retried within `budget`) before the
 * failure is raised: the handshake is refused, and no record may outlive it.
 */
export async function openSession(
  ctx: ChatContext,
  connectionId: string,
  identity: Identity & { readonly webSessionId?: string },
  budget: RetryBudget,
): Promise<void> {
  try {
    await register(ctx, connectionId, identity);
  } catch (error) {
    await retryWithin(budget, async () => {
      await ctx.connections.close(connectionId);
      await ctx.users.detachConnection(identity.userId, [connectionId]);
    }).catch((cleanup) =>
      ctx.log.warn('could not remove a refused connection; its TTL will', {
        connectionId,
        error: describe(cleanup),
      }),
    );
    throw error;
  }
}

async function register(
  ctx: ChatContext,
  connectionId: string,
  identity: Identity & { readonly webSessionId?: string },
): Promise<void> {
  const expiresAt = connectionExpiry(ctx);
  const home = identity.role === 'admin' ? ADMINS_TOPIC : supportConversationId(identity.userId);
  await ctx.connections.open(
    { connectionId, ...identity, connectedAt: ctx.now(), topics: [home] },
    expiresAt,
  );
  // One atomic write-and-read of the user's item: a join adds its room to the same item and reads
  // the connections in one request too, so whichever comes second sees the other, however far the
  // indexes lag (ports.ts UserStore.attachConnection). The members.byUser index still adds rooms
  // joined before the item listed them.
  const live = await ctx.users.attachConnection(identity.userId, connectionId);
  await pruneClosedConnections(ctx, identity.userId, connectionId, live.connections);
  const indexed = await ctx.conversations.conversationIdsOf(identity.userId);
  const rooms = [...new Set([...live.rooms, ...indexed])].filter(
    (id) => parseConversationId(id)?.kind === 'room',
  );
  if (rooms.length > 0) {
    await ctx.connections.subscribe(
      rooms.map((topic) => ({ topic, connectionId, userId: identity.userId })),
      expiresAt,
    );
  }
  if (identity.role === 'student') {
    // A presence notice is a courtesy to the desk; failing it must not refuse the student.
    await announce(ctx, identity, 'online').catch((error: unknown) =>
      ctx.log.warn('could not announce a student online', {
        userId: identity.userId,
        error: describe(error),
      }),
    );
  }
}

/** More open connections than this on a user's item: look for ones that closed unseen. */
const PRUNE_ABOVE = 8;

/**
 * Keeps the user's item bounded: a connection cut without $disconnect (a crashed gateway) stays
 * on it, so when the item lists more than PRUNE_ABOVE, those without a record are removed.
 */
async function pruneClosedConnections(
  ctx: ChatContext,
  userId: string,
  current: string,
  listed: readonly string[],
): Promise<void> {
  if (listed.length <= PRUNE_ABOVE) return;
  const others = listed.filter((id) => id !== current);
  const records = await Promise.all(others.map((id) => ctx.connections.lookup(id)));
  await ctx.users.detachConnection(
    userId,
    others.filter((_id, i) => records[i] === undefined),
  );
}

/**
 * Removes a closed connection; tells admins when a student's last connection went away. API
 * Gateway runs $disconnect once, so each step retries transient failures within `budget`.
 */
export async function closeSession(
  ctx: ChatContext,
  connectionId: string,
  budget: RetryBudget,
): Promise<void> {
  const closed = await retryWithin(budget, () => ctx.connections.close(connectionId));
  if (closed) {
    await retryWithin(budget, () => ctx.users.detachConnection(closed.userId, [connectionId]));
  }
  if (closed?.role !== 'student') return;
  await retryWithin(budget, async () => {
    const others = (await ctx.connections.connectionsOf(closed.userId)).filter(
      (id) => id !== connectionId,
    );
    if (others.length === 0) await announce(ctx, closed, 'offline');
  });
}

async function announce(
  ctx: ChatContext,
  student: Identity,
  event: 'online' | 'offline',
): Promise<void> {
  const frame: PresenceFrame = {
    type: 'presence',
    conversationId: supportConversationId(student.userId),
    userId: student.userId,
    name: student.name,
    event,
  };
  await fanOut(ctx, [ADMINS_TOPIC], frame);
}
