/**
 * Who is behind a connection. Read from its record (and the user's), then cached per function
 * instance (bounded) for `identityCacheMs`, saving reads on most frames of a warm function; after
 * that the records are read again, so a block or a staff change reaches every open connection
 * within that time even when nothing closed it (docs/protocol.md "When rights end"). The first read
 * of a connection younger than `identityCacheMs` trusts the block state its $connect read (no
 * older than the cache would be); a refresh reads the records and the caller's staff item at once
 * (one round trip): the staff item fresh, so a demotion ends admin rights within `identityCacheMs`.
 */
import type { RuntimeConfig } from '../config';
import type { ChatContext } from '../domain/chat-context';
import type { Caller } from '../domain/identity';
import { StaffDirectory } from '../domain/staff-directory';

/** Callers cached at most; the oldest entry makes room for a new one. */
export const MAX_CACHED_CALLERS = 5000;

export class CallerCache {
  private readonly callers = new Map<string, { readonly caller: Caller; readonly until: number }>();

  constructor(
    private readonly config: Pick<RuntimeConfig, 'identityCacheMs'>,
    private readonly staff: Pick<StaffDirectory, 'member'>,
  ) {}

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
    const [record, knownUser, knownStaff] = await Promise.all([
      ctx.connections.lookup(connectionId),
      known !== undefined ? ctx.users.get(known) : Promise.resolve(undefined),
      known !== undefined ? this.staff.member(known) : Promise.resolve(undefined),
    ]);
    if (!record) {
      this.callers.delete(connectionId);
      return undefined;
    }
    const member = known === record.userId ? knownStaff : await this.staff.member(record.userId);
    if (StaffDirectory.roleOf(member) !== record.role) return 'revoked';
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
