/**
 * Invitations to the staff by scan (docs/protocol.md "Staff management", protocol/staff-invites.ts).
 * A manager creates a code (single use, STAFF_INVITE_SECONDS, at most MAX_STAFF_INVITES
 * outstanding); whoever scans it sees who invites them to which role and may accept. The invitee
 * is the caller of the connection, never someone the frame names. An invitation is only as good
 * as its manager: one whose creator is no longer a manager when it is used is refused.
 *
 * Accepting makes the caller staff (one transaction with the audit entry, change `invite`, actor
 * the inviting manager), then closes every open connection of theirs, this one after the answer:
 * those connections were opened as a student's (the student's subscriptions, the caller cache's
 * role). The client logs in again and connects as staff.
 */
import { randomBytes } from 'node:crypto';
import {
  MAX_STAFF_INVITES,
  STAFF_INVITE_SECONDS,
  type AcceptInviteFrame,
  type CreateInviteFrame,
  type InvitedFrame,
  type InviteFrame,
  type ViewInviteFrame,
} from '../../protocol/staff-invites';
import { MAX_STAFF } from '../../protocol/staff';
import type { ChatContext } from './chat-context';
import { BadRequestError, ConflictError, NotFoundError, RateLimitedError } from './errors';
import { reply } from './fan-out';
import type { Caller } from './identity';
import { closeConnectionsOf } from './moderation';
import { broadcastStaffList, requireManager } from './staff';
import type { StaffDirectory } from './staff-directory';
import type { StaffInviteRecord, StaffInviteStore, StaffRecord } from './staff-ports';

const GONE = 'no such invitation: it expired, was used, or its manager can no longer invite';

/** createinvite: a manager creates an invitation to `role`. */
export async function createInvite(
  ctx: ChatContext,
  staff: StaffDirectory,
  invites: StaffInviteStore,
  caller: Caller,
  frame: CreateInviteFrame,
): Promise<void> {
  const actor = await requireManager(staff, caller);
  const now = ctx.now();
  const live = await invites.live(now);
  if (live.length >= MAX_STAFF_INVITES) {
    const soonest = Math.min(...live.map((i) => i.expiresAt));
    throw new RateLimitedError(
      `at most ${MAX_STAFF_INVITES} invitations outstanding`,
      Math.max(1000, soonest - now),
    );
  }
  // Whole seconds: the table's TTL attribute is epoch seconds, and the answer must say what is stored.
  const expiresAt = Math.ceil((now + STAFF_INVITE_SECONDS * 1000) / 1000) * 1000;
  const invite: StaffInviteRecord = {
    code: randomBytes(16).toString('base64url'),
    role: frame.role,
    inviterId: actor.userId,
    inviterName: caller.name,
    createdAt: now,
    expiresAt,
  };
  await invites.put(invite);
  ctx.log.info('staff invitation created', { inviterId: actor.userId, role: frame.role });
  await reply(ctx, caller.connectionId, inviteFrame(invite, frame.id));
}

/** viewinvite: anyone logged in sees who invites with a code, to which role. */
export async function viewInvite(
  ctx: ChatContext,
  staff: StaffDirectory,
  invites: StaffInviteStore,
  caller: Caller,
  frame: ViewInviteFrame,
): Promise<void> {
  const invite = await usableInvite(ctx, staff, invites, frame.code);
  await reply(ctx, caller.connectionId, inviteFrame(invite, frame.id));
}

/** acceptinvite: the caller joins the staff with the invitation's role. */
export async function acceptInvite(
  ctx: ChatContext,
  staff: StaffDirectory,
  invites: StaffInviteStore,
  caller: Caller,
  frame: AcceptInviteFrame,
): Promise<void> {
  if (await staff.member(caller.userId)) throw new ConflictError('already on the staff');
  const invite = await usableInvite(ctx, staff, invites, frame.code);
  const user = await ctx.users.get(caller.userId);
  if (!user || user.blocked) throw new BadRequestError('a blocked user cannot join the staff');
  if ((await staff.store.list()).length >= MAX_STAFF) {
    throw new BadRequestError(`the staff list is full (${MAX_STAFF})`);
  }
  const at = ctx.now();
  const member: StaffRecord = {
    userId: caller.userId,
    name: user.name,
    role: invite.role,
    status: 'active',
    addedBy: invite.inviterId,
    addedAt: at,
  };
  const outcome = await invites.accept({
    code: invite.code,
    now: at,
    member,
    audit: {
      at,
      change: 'invite',
      actorId: invite.inviterId,
      actorName: invite.inviterName,
      targetId: member.userId,
      targetName: member.name,
      role: member.role,
    },
  });
  if (outcome === 'used') throw new NotFoundError(GONE);
  if (outcome === 'conflict') {
    if (await staff.member(caller.userId)) throw new ConflictError('already on the staff');
    throw new ConflictError('the invitation changed meanwhile; retry');
  }
  staff.invalidate();
  ctx.log.info('joined the staff by invitation', {
    userId: caller.userId,
    inviterId: invite.inviterId,
  });
  const answer: InvitedFrame = {
    type: 'invited',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    role: member.role,
    inviterName: invite.inviterName,
  };
  await reply(ctx, caller.connectionId, answer);
  await broadcastStaffList(ctx, staff);
  // Opened as a student's: they log in and connect again, as staff.
  await closeConnectionsOf(ctx, caller.userId);
}

/** The invitation, if it exists, has not expired and its manager is still a manager. */
async function usableInvite(
  ctx: ChatContext,
  staff: StaffDirectory,
  invites: StaffInviteStore,
  code: string,
): Promise<StaffInviteRecord> {
  const invite = await invites.get(code, ctx.now());
  if (!invite) throw new NotFoundError(GONE);
  const inviter = await staff.member(invite.inviterId);
  if (inviter?.role !== 'manager') throw new NotFoundError(GONE);
  return invite;
}

function inviteFrame(invite: StaffInviteRecord, id: string | undefined): InviteFrame {
  return {
    type: 'invite',
    ...(id !== undefined ? { id } : {}),
    code: invite.code,
    role: invite.role,
    inviterId: invite.inviterId,
    inviterName: invite.inviterName,
    expiresAt: new Date(invite.expiresAt).toISOString(),
  };
}
