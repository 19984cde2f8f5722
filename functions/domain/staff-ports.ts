/**
 * The port of the staff list and its audit log (functions/adapters/dynamo-staff.ts). Domain code
 * reads who is on the desk only through it (staff-directory.ts caches it per function instance).
 */
import type { StaffChange, StaffRole, StaffStatus } from '../../protocol/staff';

/** One staff member as stored. Times are epoch milliseconds. */
export interface StaffRecord {
  readonly userId: string;
  readonly name: string;
  readonly role: StaffRole;
  readonly status: StaffStatus;
  /** User id of who added them, or `ADMINS` for a member seeded from the configuration. */
  readonly addedBy: string;
  readonly addedAt: number;
}

/** One change as the audit log keeps it. */
export interface StaffAuditRecord {
  readonly at: number;
  readonly change: StaffChange;
  readonly actorId: string;
  readonly actorName: string;
  readonly targetId: string;
  readonly targetName: string;
  readonly role?: StaffRole;
}

/**
 * A change of one staff item with its audit entry, written together or not at all. `expected` is
 * the item as the caller read it (undefined: it must not exist), so of two managers changing the
 * same member at once one wins and the other gets `conflict`.
 */
export interface StaffWrite {
  readonly userId: string;
  readonly expected: StaffRecord | undefined;
  /** The item after the change; undefined removes it. */
  readonly next: StaffRecord | undefined;
  readonly audit: StaffAuditRecord;
}

export interface StaffStore {
  /** Every staff member (bounded by protocol/staff.ts MAX_STAFF), strongly consistent. */
  list(): Promise<StaffRecord[]>;
  /** One staff member, strongly consistent. */
  get(userId: string): Promise<StaffRecord | undefined>;
  /** Writes one change and its audit entry atomically; `conflict` when `expected` no longer holds. */
  write(change: StaffWrite): Promise<'saved' | 'conflict'>;
  /** Sets a member's display name (their user record's, which they choose); absent: nothing. */
  rename(userId: string, name: string): Promise<void>;
  /** Puts members that do not exist yet (the ADMINS seed), each with its audit entry. */
  seed(records: readonly StaffRecord[]): Promise<void>;
  /** Audit entries newest first, `limit` at most, older than the cursor `before`. */
  audit(
    limit: number,
    before?: string,
  ): Promise<{ entries: StaffAuditRecord[]; next?: string | undefined }>;
}

/** One outstanding invitation to the staff (protocol/staff-invites.ts). Times: epoch ms. */
export interface StaffInviteRecord {
  readonly code: string;
  readonly role: StaffRole;
  readonly inviterId: string;
  readonly inviterName: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * The invitations (functions/adapters/dynamo-staff-invites.ts). Accepting one is one transaction
 * with the staff table: the invitation deleted (it must exist and not have expired), the member
 * put (they must not be staff), the audit entry put.
 */
export interface StaffInviteStore {
  /**
   * The invitations that have not expired at `now` (bounded: at most MAX_STAFF_INVITES live, and
   * the expired ones this finds are deleted).
   */
  live(now: number): Promise<StaffInviteRecord[]>;
  put(invite: StaffInviteRecord): Promise<void>;
  /** The invitation, if it exists and has not expired at `now`. */
  get(code: string, now: number): Promise<StaffInviteRecord | undefined>;
  /**
   * Uses the invitation: `used` when it was gone or expired, `conflict` when the member is already
   * on the staff (or either changed meanwhile).
   */
  accept(change: {
    readonly code: string;
    readonly now: number;
    readonly member: StaffRecord;
    readonly audit: StaffAuditRecord;
  }): Promise<'saved' | 'used' | 'conflict'>;
}
