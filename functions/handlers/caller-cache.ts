/**
 * Who is behind a connection. Read from its record (and the user's), then cached per function
 * instance (bounded) for `identityCacheMs`, saving reads on most frames of a warm function; after
 * that the records are read again, so a block or a staff change reaches every open connection
 * within that time even when nothing closed it (docs/protocol.md "When rights end"). The first read
 * of a connection younger than `identityCacheMs` trusts the role and the block state its $connect
 * read from the staff and users tables (a connection's first frame is then one round trip, its
 * record, not two: issue 18), and that entry lasts until `identityCacheMs` after the connect, not
 * after the frame — so a change made just after the connect still ends rights within the bound. A
 * refresh reads the records and the caller's staff item at once (one round trip): the staff item
 * fresh, so a demotion ends admin rights within `identityCacheMs`.
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
    const bound = this.config.identityCacheMs;
    // $connect read the role and the block at most `bound` ago: trusted until `bound` after it.
    const trustConnect = known === undefined && now - record.connectedAt < bound;
    if (!trustConnect) {
      // Read with the record when the user was known; otherwise both at once, after it.
      const [member, user] =
        known === record.userId
          ? [knownStaff, knownUser]
          : await Promise.all([this.staff.member(record.userId), ctx.users.get(record.userId)]);
      if (StaffDirectory.roleOf(member) !== record.role) return 'revoked';
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
    // Never past `bound` from now, whatever another instance's clock wrote as connectedAt.
    const from = trustConnect ? Math.min(record.connectedAt, now) : now;
    this.callers.set(connectionId, { caller, until: from + bound });
    return caller;
  }

  /** Drops a closed connection. */
  forget(connectionId: string): void {
    this.callers.delete(connectionId);
  }
}
