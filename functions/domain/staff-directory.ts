/**
 * Who is on the desk, for every place that decides the admin role or whether the desk is
 * available: login, $connect, the caller cache of every frame handler, the admins-topic filter of
 * every fan-out, transfer, web-login approval (through the caller cache) and the notifier.
 *
 * The staff table is the source of truth. `ADMINS` only seeds it: when the table has no manager
 * (a new deployment, or every manager was removed in a race), the next login or $connect writes
 * the users ADMINS names as managers (audit change `seed`). Nothing else reads ADMINS.
 *
 * The whole list (at most MAX_STAFF small items, one Query) is cached per function instance for
 * `cacheMs` (IDENTITY_CACHE_SECONDS): a change made elsewhere reaches this instance's fan-outs
 * and availability checks within that bound, as a block does (docs/protocol.md "When rights
 * end"). The caller cache reads one member fresh when it refreshes a connection (`member`), so a
 * demotion ends a connection's admin rights within the same bound; the instance that made a
 * change drops its cache at once (`invalidate`).
 */
import type { Role } from '../../protocol/server-frames';
import type { StaffRecord, StaffStore } from './staff-ports';

/** The cached list: members by user id. */
export type StaffSnapshot = ReadonlyMap<string, StaffRecord>;

export class StaffDirectory {
  private cached: { readonly staff: StaffSnapshot; readonly until: number } | undefined;
  private loading: Promise<StaffSnapshot> | undefined;

  constructor(
    readonly store: StaffStore,
    private readonly options: {
      readonly admins: ReadonlySet<string>;
      readonly cacheMs: number;
      readonly now: () => number;
    },
  ) {}

  /**
   * The staff list, at most `cacheMs` old; `fresh`: read now (a cached list may predate a member
   * just added, so one missing from it is checked again before anything is taken from them).
   */
  async snapshot(fresh = false): Promise<StaffSnapshot> {
    const now = this.options.now();
    if (!fresh && this.cached && this.cached.until > now) return this.cached.staff;
    this.loading ??= this.store
      .list()
      .then((records) => {
        const staff = new Map(records.map((r) => [r.userId, r]));
        this.cached = { staff, until: this.options.now() + this.options.cacheMs };
        return staff;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** One member, read now (strongly consistent), not from the cache. */
  member(userId: string): Promise<StaffRecord | undefined> {
    return this.store.get(userId);
  }

  /** The chat role of a member record: every staff member (staff or manager) is an admin. */
  static roleOf(record: StaffRecord | undefined): Role {
    return record ? 'admin' : 'student';
  }

  /**
   * Seeds the table from ADMINS when it has no manager, then answers `userId`'s role now. Called
   * by login and $connect (which may write the table); `nameOf` gives a seeded member's name.
   * `name`: the user's display name now ($connect): the staff list follows a name they changed.
   */
  async roleAtLogin(
    userId: string,
    nameOf: (userId: string) => Promise<string>,
    name?: string,
  ): Promise<Role> {
    const staff = await this.snapshot();
    const hasManager = [...staff.values()].some((r) => r.role === 'manager');
    if (!hasManager && this.options.admins.size > 0) {
      const at = this.options.now();
      const seeds: StaffRecord[] = [];
      for (const id of this.options.admins) {
        if (staff.get(id)?.role === 'manager') continue;
        seeds.push({
          userId: id,
          name: await nameOf(id),
          role: 'manager',
          status: 'active',
          addedBy: 'ADMINS',
          addedAt: at,
        });
      }
      await this.store.seed(seeds);
      this.invalidate();
    }
    const member = await this.member(userId);
    if (member && name !== undefined && member.name !== name) {
      await this.store.rename(userId, name);
      this.invalidate();
    }
    return StaffDirectory.roleOf(member);
  }

  /** Forgets the cached list (this instance changed it). */
  invalidate(): void {
    this.cached = undefined;
  }
}
