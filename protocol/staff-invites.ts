/**
 * Invitations to the staff by scan (docs/protocol.md "Staff management"): a manager creates a
 * short-lived, single-use code the console shows as a QR code; a logged-in user scans it in the
 * mini-program, sees who invites them to which role, and accepts. The invitee's identity is their
 * connection's, never the frame's. Shared by the server and both clients.
 */
import * as v from 'valibot';
import { MAX_FRAME_ID_LENGTH } from './limits';
import { StaffRole } from './staff';

/** An invitation lives this long (seconds) and is used at most once. */
export const STAFF_INVITE_SECONDS = 600;
/** Invitations outstanding (created, not yet used or expired) at most, for the whole desk. */
export const MAX_STAFF_INVITES = 20;
/** An invitation code: 22 URL-safe characters (128 random bits). */
export const STAFF_INVITE_CODE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** The text of the console's QR code: this prefix and the code. */
export const STAFF_INVITE_QR_PREFIX = 'campus-chat-invite:';

const frameId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FRAME_ID_LENGTH));
const code = v.pipe(v.string(), v.regex(STAFF_INVITE_CODE_PATTERN));

/** Managers: a new invitation to `role`. */
export const CreateInviteFrame = v.object({
  action: v.literal('createinvite'),
  id: v.optional(frameId),
  role: StaffRole,
});

/** Anyone logged in: who invites with `code`, to which role (nothing changes). */
export const ViewInviteFrame = v.object({
  action: v.literal('viewinvite'),
  id: v.optional(frameId),
  code,
});

/** Anyone logged in who is not staff: joins the staff with the invitation's role. */
export const AcceptInviteFrame = v.object({
  action: v.literal('acceptinvite'),
  id: v.optional(frameId),
  code,
});

/** An invitation: answers `createinvite` and `viewinvite`. */
export const InviteFrame = v.object({
  type: v.literal('invite'),
  id: v.optional(v.string()),
  code: v.string(),
  role: StaffRole,
  inviterId: v.string(),
  inviterName: v.string(),
  /** ISO 8601. */
  expiresAt: v.string(),
});

/**
 * The invitation was accepted: the caller is on the staff with `role`. Their open connections
 * (this one too, after this frame) are closed: they log in again, as staff.
 */
export const InvitedFrame = v.object({
  type: v.literal('invited'),
  id: v.optional(v.string()),
  role: StaffRole,
  inviterName: v.string(),
});

export type CreateInviteFrame = v.InferOutput<typeof CreateInviteFrame>;
export type ViewInviteFrame = v.InferOutput<typeof ViewInviteFrame>;
export type AcceptInviteFrame = v.InferOutput<typeof AcceptInviteFrame>;
export type InviteFrame = v.InferOutput<typeof InviteFrame>;
export type InvitedFrame = v.InferOutput<typeof InvitedFrame>;
