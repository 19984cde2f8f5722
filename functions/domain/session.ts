/**
 * Opening and closing a connection's session: its record, its fan-out subscriptions, and the
 * presence notices admins use to show which students are online.
 */
import type { PresenceFrame } from '../protocol/server-frames';
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
  identity: Identity,
  budget: RetryBudget,
): Promise<void> {
  try {
    await register(ctx, connectionId, identity);
  } catch (error) {
    await retryWithin(budget, () => ctx.connections.close(connectionId)).catch((cleanup) =>
      ctx.log.warn('could not remove a refused connection; its TTL will', {
        connectionId,
        error: describe(cleanup),
      }),
    );
    throw error;
  }
}

async function register(ctx: ChatContext, connectionId: string, identity: Identity): Promise<void> {
  const expiresAt = connectionExpiry(ctx);
  const home = identity.role === 'admin' ? ADMINS_TOPIC : supportConversationId(identity.userId);
  // The record is written before memberships are read, and join writes the membership before it
  // reads connections: whichever runs second sees the other, so no room subscription is missed.
  await ctx.connections.open(
    { connectionId, ...identity, connectedAt: ctx.now(), topics: [home] },
    expiresAt,
  );
  const rooms = (await ctx.conversations.conversationIdsOf(identity.userId)).filter(
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
