/**
 * Words for staff management, shared by the console and the mini-program: roles, statuses, an
 * audit entry as a sentence, and a refused staff request in words that fit what was asked (a
 * NOT_FOUND when adding someone is "they must log in once", not "no such conversation").
 */
import type { StaffAuditEntry, StaffRole, StaffStatus } from '../protocol/staff';
import { ProtocolError } from './errors';
import { errorText, type MessageId, type Translator } from './i18n/index';

export function staffRoleText(tr: Translator, role: StaffRole): string {
  return tr.t(role === 'manager' ? 'staff.role.manager' : 'staff.role.staff');
}

export function staffStatusText(tr: Translator, status: StaffStatus): string {
  return tr.t(status === 'away' ? 'staff.status.away' : 'staff.status.active');
}

/** One audit entry as a sentence ("张主任 添加了 唐老师（工作人员）"). */
export function staffChangeText(tr: Translator, entry: StaffAuditEntry): string {
  return tr.t(`staff.change.${entry.change}`, {
    actor: entry.actorName,
    target: entry.targetName,
    role: entry.role ? staffRoleText(tr, entry.role) : '',
  });
}

/** What was asked: an add, a change of a member (role, removal, away), an invitation's creation. */
export type StaffRequestKind = 'add' | 'change' | 'invite';

const STAFF_ERRORS: Readonly<Record<string, MessageId>> = {
  'add.NOT_FOUND': 'staff.error.add.NOT_FOUND',
  'add.CONFLICT': 'staff.error.add.CONFLICT',
  'add.BAD_REQUEST': 'staff.error.add.BAD_REQUEST',
  'change.NOT_FOUND': 'staff.error.change.NOT_FOUND',
  'change.CONFLICT': 'staff.error.change.CONFLICT',
  'invite.RATE_LIMITED': 'staff.error.invite.RATE_LIMITED',
};

/** Words for a refused staff request; anything else as errorText says it. */
export function staffErrorText(tr: Translator, kind: StaffRequestKind, error: unknown): string {
  if (error instanceof ProtocolError) {
    if (error.code === 'FORBIDDEN') return tr.t('staff.error.FORBIDDEN');
    const id = STAFF_ERRORS[`${kind}.${error.code}`];
    if (id) return tr.t(id);
  }
  return errorText(tr, error);
}
