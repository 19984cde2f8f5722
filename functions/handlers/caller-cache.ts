/**
 * Who is behind a connection. Read from its record (and the user's), then cached per function
 * instance (bounded) for `identityCacheMs`, saving reads on most frames of a warm function; after
 * that the records are read again, so a block or a change of ADMINS reaches every open connection
 * within that time even when nothing closed it (docs/protocol.md "When rights end"). The first read
 * of a connection younger than `identityCacheMs` trusts the block state its $connect read (no
 * older than the cache would be); a refresh reads both records at once (one round trip).
 */
import type { RuntimeConfig } from '../config';
import type { ChatContext } from '../domain/chat-context';
import { type Caller, roleFor } from '../domain/identity';

/** Callers cached at most; the oldest entry makes room for a new one. */
export const MAX_CACHED_CALLERS = 5000;

export class CallerCache {
  private readonly callers = new Map<string, { readonly caller: Caller; readonly until: number }>();

  constructor(private readonly config: Pick<RuntimeConfig, 'admins' | 'identityCacheMs'>) {}

  /**
   * What a connection may do now: its caller, `revoked` when the user was blocked or their role
   * changed since it connected (the connection must close: its subscriptions are the old role's),
   * or undefined when the connection has no record.
   */
  async identify(ctx: ChatContext, connectionId: string): Promise<Caller | 'revoked' | undefined> {
    const now = ctx.now();
    const cached = this.callers.get(connectionId);
    if (cached && cached.until > now) return cached.caller;
    const known = cached?.caller.userId;
    const [record, knownUser] = await Promise.all([
      ctx.connections.lookup(connectionId),
      known !== undefined ? ctx.users.get(known) : Promise.resolve(undefined),
    ]);
    if (!record) {
      this.callers.delete(connectionId);
      return undefined;
    }
    if (roleFor(record.userId, this.config.admins) !== record.role) return 'revoked';
    const connectedRecently = now - record.connectedAt < this.config.identityCacheMs;
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
    this.callers.delete(connectionId);
    if (this.callers.size >= MAX_CACHED_CALLERS) {
      const oldest = this.callers.keys().next().value;
      if (oldest !== undefined) this.callers.delete(oldest);
    }
    this.callers.set(connectionId, { caller, until: now + this.config.identityCacheMs });
    return caller;
  }

  /** Drops a closed connection. */
  forget(connectionId: string): void {
    this.callers.delete(connectionId);
  }
}
