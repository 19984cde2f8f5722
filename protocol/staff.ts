/**
 * Staff management on the wire (docs/protocol.md "Staff management"): who is on the desk is data
 * (the `staff` table), not configuration. Managers add, promote, demote and remove staff; every
 * staff member can set themselves away; every change is in an audit log managers page through.
 * Shared by the server and both clients.
 */
import * as v from 'valibot';
import { MAX_CONVERSATION_ID_LENGTH, MAX_FRAME_ID_LENGTH } from './limits';

/** `manager`: may change the staff list and read its audit log; `staff`: the desk's work only. */
export const STAFF_ROLES = ['staff', 'manager'] as const;
export const StaffRole = v.picklist(STAFF_ROLES);
export type StaffRole = v.InferOutput<typeof StaffRole>;

/** `away`: on the staff list but not available (the automatic reply treats them as offline). */
export const STAFF_STATUSES = ['active', 'away'] as const;
export const StaffStatus = v.picklist(STAFF_STATUSES);
export type StaffStatus = v.InferOutput<typeof StaffStatus>;

/** Staff members kept at most: the whole list fits one frame and one bounded query. */
export const MAX_STAFF = 200;
/** Audit entries per `staffaudit` page. */
export const STAFF_AUDIT_PAGE = 50;

const frameId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FRAME_ID_LENGTH));
const userId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_CONVERSATION_ID_LENGTH));

/** Staff (any role): the staff list. */
export const StaffFrame = v.object({
  action: v.literal('staff'),
  id: v.optional(frameId),
});

/**
 * Managers: `add` a user (who has logged in once) with a role, `setrole` (promote or demote
 * between staff and manager), `remove` them from the staff. The last manager cannot be demoted
 * or removed (CONFLICT): the desk would have nobody to manage it.
 */
export const SetStaffFrame = v.variant('op', [
  v.object({
    action: v.literal('setstaff'),
    id: v.optional(frameId),
    op: v.literal('add'),
    userId,
    role: StaffRole,
  }),
  v.object({
    action: v.literal('setstaff'),
    id: v.optional(frameId),
    op: v.literal('setrole'),
    userId,
    role: StaffRole,
  }),
  v.object({
    action: v.literal('setstaff'),
    id: v.optional(frameId),
    op: v.literal('remove'),
    userId,
  }),
]);

/** Any staff member: themselves away (`true`) or back (`false`). */
export const SetAwayFrame = v.object({
  action: v.literal('setaway'),
  id: v.optional(frameId),
  away: v.boolean(),
});

/** Managers: one page of the audit log, newest first; `before` is the previous page's `next`. */
export const StaffAuditFrame = v.object({
  action: v.literal('staffaudit'),
  id: v.optional(frameId),
  before: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(200))),
});

export const StaffMember = v.object({
  userId: v.string(),
  name: v.string(),
  role: StaffRole,
  status: StaffStatus,
  /** Who added them (`ADMINS` for a member seeded from the configuration). */
  addedBy: v.string(),
  /** ISO 8601. */
  addedAt: v.string(),
});

/**
 * The whole staff list: answers `staff`, `setstaff` and `setaway`, and goes to every staff
 * connection after a change.
 */
export const StaffListFrame = v.object({
  type: v.literal('staff'),
  id: v.optional(v.string()),
  staff: v.array(StaffMember),
});

export const STAFF_CHANGES = [
  'seed',
  'add',
  'promote',
  'demote',
  'remove',
  'away',
  'back',
  // Joined by accepting a manager's invitation (protocol/staff-invites.ts): the actor is the
  // manager who created it.
  'invite',
] as const;

export const StaffAuditEntry = v.object({
  /** ISO 8601. */
  at: v.string(),
  change: v.picklist(STAFF_CHANGES),
  actorId: v.string(),
  actorName: v.string(),
  targetId: v.string(),
  targetName: v.string(),
  /** The role after the change (add, promote, demote, seed). */
  role: v.optional(StaffRole),
});

/** One page of the audit log, newest first; `next` asks for the older entries. */
export const StaffAuditPageFrame = v.object({
  type: v.literal('staffaudit'),
  id: v.optional(v.string()),
  entries: v.array(StaffAuditEntry),
  next: v.optional(v.string()),
});

export type StaffFrame = v.InferOutput<typeof StaffFrame>;
export type SetStaffFrame = v.InferOutput<typeof SetStaffFrame>;
export type SetAwayFrame = v.InferOutput<typeof SetAwayFrame>;
export type StaffAuditFrame = v.InferOutput<typeof StaffAuditFrame>;
export type StaffMember = v.InferOutput<typeof StaffMember>;
export type StaffListFrame = v.InferOutput<typeof StaffListFrame>;
export type StaffChange = (typeof STAFF_CHANGES)[number];
export type StaffAuditEntry = v.InferOutput<typeof StaffAuditEntry>;
export type StaffAuditPageFrame = v.InferOutput<typeof StaffAuditPageFrame>;
