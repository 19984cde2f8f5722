/**
 * Invite by scan (邀请扫码加入), managers only: a fresh invitation's code as a QR code the invitee
 * scans with the mini-program ("扫码加入服务台"), with its role and expiry. Single use and
 * short-lived (protocol/staff-invites.ts); a new one replaces the one shown, and one past its
 * lifetime is taken off the screen (a code nobody can use any more must not be left to scan).
 */
import {
  type ChatClient,
  formatTime,
  inviteQrText,
  STAFF_INVITE_SECONDS,
  staffErrorText,
  type StaffRole,
  staffRoleText,
  type Translator,
} from '../../../client/index';
import { h, replaceChildren, setText } from '../dom';
import { qrCode } from './qr-code';

export class StaffInviteView {
  readonly element: HTMLElement;
  private readonly code: HTMLElement;
  private readonly error: HTMLElement;
  private expiry: number | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
  ) {
    this.code = h('div', { class: 'staff-invite-code' });
    this.error = h('p', { class: 'error', role: 'alert' });
    const button = (role: StaffRole) =>
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          'data-invite-role': role,
          onclick: () => void this.create(role),
        },
        tr.t('staff.inviteAs', { role: staffRoleText(tr, role) }),
      );
    this.element = h(
      'div',
      { class: 'staff-invite' },
      h('h3', {}, tr.t('staff.invite')),
      h('div', { class: 'inline-form' }, button('staff'), button('manager')),
      this.code,
      this.error,
    );
  }

  private async create(role: StaffRole): Promise<void> {
    const { tr } = this;
    try {
      const invite = await this.client.staff().createInvite(role);
      setText(this.error, '');
      // Timed from the answer, not from `expiresAt` against this PC's clock (which may be off):
      // the server's lifetime began a round trip earlier, so the code goes at most that late.
      window.clearTimeout(this.expiry);
      this.expiry = window.setTimeout(() => this.expire(), STAFF_INVITE_SECONDS * 1000);
      delete this.code.dataset.expired;
      this.code.dataset.role = invite.role;
      // What the QR code says, for a page that needs it as text (the tests; a screen reader has the label).
      this.code.dataset.code = invite.code;
      replaceChildren(
        this.code,
        qrCode(inviteQrText(invite.code), tr.t('staff.inviteCodeLabel')),
        h('p', {}, tr.t('staff.inviteFor', { role: staffRoleText(tr, invite.role) })),
        h(
          'p',
          { class: 'muted' },
          tr.t('staff.inviteHint', { minutes: STAFF_INVITE_SECONDS / 60 }),
        ),
        h(
          'p',
          { class: 'muted' },
          tr.t('staff.inviteExpires', { time: formatTime(tr, invite.expiresAt) }),
        ),
      );
    } catch (error) {
      window.clearTimeout(this.expiry);
      replaceChildren(this.code);
      setText(this.error, tr.t('staff.failed', { reason: staffErrorText(tr, 'invite', error) }));
    }
  }

  private expire(): void {
    delete this.code.dataset.code;
    this.code.dataset.expired = 'true';
    replaceChildren(this.code, h('p', { class: 'muted' }, this.tr.t('staff.inviteExpired')));
  }
}
