/**
 * Staff management (docs/protocol.md "Staff management"): the staff list (`staff`, any staff
 * member), its changes (`setstaff`, managers only), away and back (`setaway`, any staff member),
 * and the audit log (`staffaudit`, managers only). Every change is written with its audit entry in
 * one transaction (StaffStore.write). Manager rights are read fresh from the table on every such
 * frame, never from a cache: a demoted manager cannot change the staff a moment later.
 *
 * Removing someone from the staff closes their open connections at once (as a block does,
 * moderation.ts), so their desk connections lose the admins topic now; on other function
 * instances the cached list (staff-directory.ts) ends what is left within IDENTITY_CACHE_SECONDS.
 */
import { MAX_STAFF, STAFF_AUDIT_PAGE } from '../../protocol/staff';
import type {
  SetAwayFrame,
  SetStaffFrame,
  StaffAuditFrame,
  StaffAuditPageFrame,
  StaffFrame,
  StaffListFrame,
} from '../../protocol/staff';
import type { ChatContext } from './chat-context';
import { ADMINS_TOPIC } from './conversation-ids';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from './errors';
import { describe, fanOut, reply } from './fan-out';
import type { Caller } from './identity';
import { closeConnectionsOf } from './moderation';
import type { StaffDirectory } from './staff-directory';
import type { StaffAuditRecord, StaffRecord } from './staff-ports';

/** staff: the whole list, to any staff member. */
export async function listStaff(
  ctx: ChatContext,
  staff: StaffDirectory,
  caller: Caller,
  frame: StaffFrame,
): Promise<void> {
  await requireStaff(staff, caller);
  await reply(ctx, caller.connectionId, withId(await listFrame(staff), frame.id));
}

/** setstaff: a manager adds, promotes, demotes or removes a staff member. */
export async function setStaff(
  ctx: ChatContext,
  staff: StaffDirectory,
  caller: Caller,
  frame: SetStaffFrame,
): Promise<void> {
  const actor = await requireManager(staff, caller);
  const current = await staff.member(frame.userId);
  const at = ctx.now();
  const audit = (change: StaffAuditRecord['change'], target: StaffRecord): StaffAuditRecord => ({
    at,
    change,
    actorId: actor.userId,
    actorName: caller.name,
    targetId: target.userId,
    targetName: target.name,
    ...(change === 'remove' ? {} : { role: target.role }),
  });
  let outcome: 'saved' | 'conflict' = 'saved';
  if (frame.op === 'add') {
    if (current) throw new ConflictError('already on the staff');
    const user = await ctx.users.get(frame.userId);
    // Only someone who has logged in once: their openid is verified and their name known.
    if (!user) throw new NotFoundError('no such user; they must log in once first');
    if (user.blocked) throw new BadRequestError('a blocked user cannot be added to the staff');
    if ((await staff.store.list()).length >= MAX_STAFF) {
      throw new BadRequestError(`the staff list is full (${MAX_STAFF})`);
    }
    const next: StaffRecord = {
      userId: user.userId,
      name: user.name,
      role: frame.role,
      status: 'active',
      addedBy: actor.userId,
      addedAt: at,
    };
    outcome = await staff.store.write({
      userId: next.userId,
      expected: undefined,
      next,
      audit: audit('add', next),
    });
  } else {
    if (!current) throw new NotFoundError('not on the staff');
    const leavesManagers =
      current.role === 'manager' && (frame.op === 'remove' || frame.role !== 'manager');
    if (leavesManagers && (await managerCount(staff)) <= 1) {
      throw new ConflictError('the last manager cannot be demoted or removed');
    }
    if (frame.op === 'remove') {
      outcome = await staff.store.write({
        userId: current.userId,
        expected: current,
        next: undefined,
        audit: audit('remove', current),
      });
    } else if (frame.role !== current.role) {
      const next: StaffRecord = { ...current, role: frame.role };
      outcome = await staff.store.write({
        userId: current.userId,
        expected: current,
        next,
        audit: audit(frame.role === 'manager' ? 'promote' : 'demote', next),
      });
    }
  }
  if (outcome === 'conflict') throw new ConflictError('the staff member changed meanwhile; retry');
  staff.invalidate();
  if (frame.op === 'remove') {
    ctx.log.info('removed from the staff', { userId: frame.userId });
    await closeConnectionsOf(ctx, frame.userId);
  }
  await answerAndBroadcast(ctx, staff, caller, frame.id);
}

/** setaway: a staff member sets themselves away or back. */
export async function setAway(
  ctx: ChatContext,
  staff: StaffDirectory,
  caller: Caller,
  frame: SetAwayFrame,
): Promise<void> {
  const current = await requireStaff(staff, caller);
  const status = frame.away ? 'away' : 'active';
  if (current.status !== status) {
    const next: StaffRecord = { ...current, status };
    const outcome = await staff.store.write({
      userId: current.userId,
      expected: current,
      next,
      audit: {
        at: ctx.now(),
        change: frame.away ? 'away' : 'back',
        actorId: caller.userId,
        actorName: caller.name,
        targetId: current.userId,
        targetName: caller.name,
      },
    });
    if (outcome === 'conflict')
      throw new ConflictError('your staff entry changed meanwhile; retry');
    staff.invalidate();
  }
  await answerAndBroadcast(ctx, staff, caller, frame.id);
}

/** staffaudit: a manager reads one page of the audit log, newest first. */
export async function staffAudit(
  ctx: ChatContext,
  staff: StaffDirectory,
  caller: Caller,
  frame: StaffAuditFrame,
): Promise<void> {
  await requireManager(staff, caller);
  if (frame.before !== undefined && !/^\d{15}#[0-9a-f-]{36}$/.test(frame.before)) {
    throw new BadRequestError('before must be the `next` of a previous staffaudit page');
  }
  const page = await staff.store.audit(STAFF_AUDIT_PAGE, frame.before);
  const answer: StaffAuditPageFrame = {
    type: 'staffaudit',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    entries: page.entries.map((e) => ({
      at: new Date(e.at).toISOString(),
      change: e.change,
      actorId: e.actorId,
      actorName: e.actorName,
      targetId: e.targetId,
      targetName: e.targetName,
      ...(e.role ? { role: e.role } : {}),
    })),
    ...(page.next !== undefined ? { next: page.next } : {}),
  };
  await reply(ctx, caller.connectionId, answer);
}

async function requireStaff(staff: StaffDirectory, caller: Caller): Promise<StaffRecord> {
  const member = caller.role === 'admin' ? await staff.member(caller.userId) : undefined;
  if (!member) throw new ForbiddenError('only staff can do this');
  return member;
}

/** The caller's staff item when they are a manager (read fresh); FORBIDDEN otherwise. */
export async function requireManager(staff: StaffDirectory, caller: Caller): Promise<StaffRecord> {
  const member = await requireStaff(staff, caller);
  if (member.role !== 'manager') throw new ForbiddenError('only managers can do this');
  return member;
}

async function managerCount(staff: StaffDirectory): Promise<number> {
  return (await staff.store.list()).filter((r) => r.role === 'manager').length;
}

async function listFrame(staff: StaffDirectory): Promise<StaffListFrame> {
  const records = await staff.store.list();
  return {
    type: 'staff',
    staff: records
      .sort((a, b) => a.addedAt - b.addedAt || (a.userId < b.userId ? -1 : 1))
      .map((r) => ({
        userId: r.userId,
        name: r.name,
        role: r.role,
        status: r.status,
        addedBy: r.addedBy,
        addedAt: new Date(r.addedAt).toISOString(),
      })),
  };
}

function withId(frame: StaffListFrame, id: string | undefined): StaffListFrame {
  return { ...frame, ...(id !== undefined ? { id } : {}) };
}

async function answerAndBroadcast(
  ctx: ChatContext,
  staff: StaffDirectory,
  caller: Caller,
  id: string | undefined,
): Promise<void> {
  const frame = await listFrame(staff);
  await reply(ctx, caller.connectionId, withId(frame, id));
  await broadcastStaffList(ctx, staff, caller.connectionId, frame);
}

/**
 * The staff list after a change, to every staff connection but `except` (best effort: the change
 * is stored; the others see it on their next `staff`).
 */
export async function broadcastStaffList(
  ctx: ChatContext,
  staff: StaffDirectory,
  except?: string,
  frame?: StaffListFrame,
): Promise<void> {
  try {
    await fanOut(ctx, [ADMINS_TOPIC], frame ?? (await listFrame(staff)), except);
  } catch (error) {
    ctx.log.warn('staff list broadcast failed', { error: describe(error) });
  }
}
