/** block: an admin ends (or restores) a user's access; blocking closes their open connections. */
import type { BlockFrame } from '../../protocol/client-frames';
import type { ChatContext } from './chat-context';
import { BadRequestError, ForbiddenError, NotFoundError } from './errors';
import { describe, forEachConcurrently, reply } from './fan-out';
import type { Caller } from './identity';

/**
 * Sets the user's blocked flag, then, when blocking, asks the gateway to close every open
 * connection of theirs (@connections DELETE; their $disconnect cleans up as for any close). A
 * connection the index does not show yet (it opened a moment ago) is caught by the identity
 * refresh on its next frame (functions/handlers/caller-cache.ts), and $connect refuses a blocked
 * user from then on.
 */
export async function setBlocked(
  ctx: ChatContext,
  caller: Caller,
  frame: BlockFrame,
): Promise<void> {
  if (caller.role !== 'admin') throw new ForbiddenError('only admins can block users');
  if (frame.userId === caller.userId) throw new BadRequestError('you cannot block yourself');
  const found = await ctx.users.setBlocked(frame.userId, frame.blocked);
  if (!found) throw new NotFoundError(`no user ${frame.userId}`);
  const closed = frame.blocked ? await closeConnectionsOf(ctx, frame.userId) : 0;
  ctx.log.info('user block changed', { userId: frame.userId, blocked: frame.blocked, closed });
  await reply(ctx, caller.connectionId, {
    type: 'blocked',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    userId: frame.userId,
    blocked: frame.blocked,
    closed,
  });
}

export async function closeConnectionsOf(ctx: ChatContext, userId: string): Promise<number> {
  const connections = await ctx.connections.connectionsOf(userId);
  let closed = 0;
  await forEachConcurrently(connections, ctx.config.fanOutConcurrency, async (connectionId) => {
    try {
      await ctx.sender.disconnect(connectionId);
      closed++;
    } catch (error) {
      // The identity refresh closes it on its next frame at the latest.
      ctx.log.warn('could not close a blocked user connection', {
        connectionId,
        error: describe(error),
      });
    }
  });
  return closed;
}
