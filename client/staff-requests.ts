/**
 * Staff management from a staff client (protocol/staff.ts, protocol/staff-invites.ts): the staff
 * list, a manager's changes and audit log, away and back, invitations by scan (creating one in the
 * console, viewing and accepting one from the phone). Reads are resent after a lost connection;
 * changes are not (the outcome may have happened: the pushed `staff` list shows it).
 */
import type { SetStaffFrame, StaffAuditPageFrame, StaffMember, StaffRole } from '../protocol/staff';
import {
  type InvitedFrame,
  type InviteFrame,
  STAFF_INVITE_CODE_PATTERN,
  STAFF_INVITE_QR_PREFIX,
} from '../protocol/staff-invites';
import type { RequestChannel } from './request-channel';

/** The invitation code in what a scanner read (the console's QR text), or undefined. */
export function inviteCodeFromScan(text: string | undefined): string | undefined {
  if (!text?.startsWith(STAFF_INVITE_QR_PREFIX)) return undefined;
  const code = text.slice(STAFF_INVITE_QR_PREFIX.length);
  return STAFF_INVITE_CODE_PATTERN.test(code) ? code : undefined;
}

/** The text the console's QR code carries for an invitation. */
export function inviteQrText(code: string): string {
  return `${STAFF_INVITE_QR_PREFIX}${code}`;
}

export class StaffRequests {
  constructor(private readonly requests: RequestChannel) {}

  /** The whole staff list, oldest first. */
  async list(): Promise<StaffMember[]> {
    return (await this.requests.call({ action: 'staff' }, true)).staff;
  }

  /** Managers: adds a user who has logged in once; resolves with the list after it. */
  add(userId: string, role: StaffRole): Promise<StaffMember[]> {
    return this.change({ action: 'setstaff', op: 'add', userId, role });
  }

  /** Managers: promotes or demotes. */
  setRole(userId: string, role: StaffRole): Promise<StaffMember[]> {
    return this.change({ action: 'setstaff', op: 'setrole', userId, role });
  }

  /** Managers: removes a member (their connections close). */
  remove(userId: string): Promise<StaffMember[]> {
    return this.change({ action: 'setstaff', op: 'remove', userId });
  }

  /** The caller away (`true`) or back. */
  async setAway(away: boolean): Promise<StaffMember[]> {
    return (await this.requests.call({ action: 'setaway', away }, false)).staff;
  }

  /** Managers: one page of the audit log, newest first; pass the previous page's `next`. */
  audit(before?: string): Promise<StaffAuditPageFrame> {
    return this.requests.call(
      { action: 'staffaudit', ...(before !== undefined ? { before } : {}) },
      true,
    );
  }

  /** Managers: a new invitation to `role` (single use, short-lived). */
  createInvite(role: StaffRole): Promise<InviteFrame> {
    return this.requests.call({ action: 'createinvite', role }, false);
  }

  /** Who invites with a scanned code, to which role. */
  viewInvite(code: string): Promise<InviteFrame> {
    return this.requests.call({ action: 'viewinvite', code }, true);
  }

  /** One setstaff change (a variable, not a literal: the union's ops differ in their fields). */
  private async change(frame: SetStaffFrame): Promise<StaffMember[]> {
    return (await this.requests.call(frame, false)).staff;
  }

  /** Joins the staff; afterwards the connection closes and the client must log in again. */
  acceptInvite(code: string): Promise<InvitedFrame> {
    return this.requests.call({ action: 'acceptinvite', code }, false);
  }
}
