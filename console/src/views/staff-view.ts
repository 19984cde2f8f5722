/**
 * 人员管理: the desk's staff list for every staff member (name, id, role, 在岗/暂离, who added them
 * and when), and for managers the changes — add someone by user id (openid) with a role, promote,
 * demote, remove (confirmed in place: the member loses the desk at once) — the invitation by scan
 * and the audit log. The list is the server's: every reply and every pushed `staff` frame (another
 * manager's change) renders it whole; whether the caller may manage is their own entry's role.
 *
 * A `staff` request refused with FORBIDDEN means the caller is no longer on the staff (their
 * connection was closed and came back as a student's): `ended` takes the console back to login.
 */
import {
  type ChatClient,
  formatTime,
  ProtocolError,
  type SessionUser,
  type StaffMember,
  type StaffRequestKind,
  staffErrorText,
  type StaffRole,
  staffRoleText,
  staffStatusText,
  type Translator,
} from '../../../client/index';
import { h, replaceChildren, setText } from '../dom';
import { StaffAuditView } from './staff-audit-view';
import { StaffInviteView } from './staff-invite-view';

export class StaffView {
  readonly element: HTMLDetailsElement;
  private readonly list: HTMLUListElement;
  private readonly readOnly: HTMLElement;
  private readonly manage: HTMLElement;
  private readonly error: HTMLElement;
  private readonly userId: HTMLInputElement;
  private readonly role: HTMLSelectElement;
  private readonly audit: StaffAuditView;
  private members: StaffMember[] = [];
  /** The member whose removal waits for its confirmation. */
  private confirming: string | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
    private readonly user: SessionUser,
    private readonly changed: (staff: StaffMember[]) => void,
    private readonly ended: () => void,
  ) {
    this.list = h(
      'ul',
      { class: 'staff-list' },
      h('li', { class: 'muted' }, tr.t('staff.loading')),
    );
    this.readOnly = h('p', { class: 'muted', hidden: true }, tr.t('staff.readOnly'));
    this.error = h('p', { class: 'error', role: 'alert' });
    this.userId = h('input', {
      id: 'staff-user',
      required: true,
      maxlength: 128,
      autocomplete: 'off',
      spellcheck: 'false',
    });
    this.role = h(
      'select',
      { id: 'staff-role' },
      h('option', { value: 'staff' }, staffRoleText(tr, 'staff')),
      h('option', { value: 'manager' }, staffRoleText(tr, 'manager')),
    );
    const form = h(
      'form',
      { class: 'staff-add' },
      h('h3', {}, tr.t('staff.addHeading')),
      h('label', { for: 'staff-user' }, tr.t('staff.userIdLabel')),
      this.userId,
      h('label', { for: 'staff-role' }, tr.t('staff.roleLabel')),
      h(
        'div',
        { class: 'inline-form' },
        this.role,
        h('button', { type: 'submit' }, tr.t('staff.add')),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add();
    });
    this.audit = new StaffAuditView(tr, client);
    this.manage = h(
      'div',
      { class: 'staff-manage-tools', hidden: true },
      form,
      new StaffInviteView(tr, client).element,
      this.audit.element,
    );
    this.element = h(
      'details',
      { class: 'staff-panel', id: 'staff-panel' },
      h('summary', {}, tr.t('staff.title')),
      this.error,
      this.readOnly,
      this.list,
      this.manage,
    );
  }

  /** Whether the caller manages the staff (their entry's role now). */
  get isManager(): boolean {
    return this.members.find((m) => m.userId === this.user.id)?.role === 'manager';
  }

  /** Fetches the list (after every connect); FORBIDDEN: the caller is no longer staff. */
  async load(): Promise<void> {
    try {
      this.changed(await this.client.staff().list());
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'FORBIDDEN') this.ended();
      else this.fail('change', error);
    }
  }

  /** Renders the whole list (a reply, or one pushed after a change). */
  render(members: readonly StaffMember[]): void {
    this.members = [...members];
    const manager = this.isManager;
    this.readOnly.hidden = manager;
    this.manage.hidden = !manager;
    this.element.dataset.manager = String(manager);
    replaceChildren(this.list, ...this.members.map((m) => this.item(m, manager)));
    this.audit.changed();
  }

  private item(member: StaffMember, manager: boolean): HTMLElement {
    const { tr } = this;
    const self = member.userId === this.user.id;
    const adder = this.members.find((m) => m.userId === member.addedBy)?.name ?? member.addedBy;
    const time = formatTime(tr, member.addedAt);
    const actions: HTMLElement[] = [];
    if (manager && this.confirming === member.userId) {
      actions.push(
        h('span', { class: 'staff-confirm' }, tr.t('staff.removeConfirm', { name: member.name })),
        this.button('staff.removeYes', 'confirm-remove', () => this.remove(member.userId)),
        this.button('staff.removeNo', 'cancel-remove', () => this.confirm(undefined), true),
      );
    } else if (manager) {
      const promote = member.role === 'staff';
      actions.push(
        this.button(
          promote ? 'staff.promote' : 'staff.demote',
          promote ? 'promote' : 'demote',
          () => this.setRole(member.userId, promote ? 'manager' : 'staff'),
        ),
        this.button('staff.remove', 'remove', () => this.confirm(member.userId), true),
      );
    }
    return h(
      'li',
      {
        class: 'staff-member',
        'data-staff': member.userId,
        'data-role': member.role,
        'data-status': member.status,
      },
      h('strong', {}, member.name),
      self && tr.t('staff.you'),
      ' ',
      h('span', { class: 'who-id' }, member.userId),
      ' ',
      h('span', { class: 'staff-role' }, staffRoleText(tr, member.role)),
      ' ',
      h('span', { class: 'staff-status' }, staffStatusText(tr, member.status)),
      h(
        'span',
        { class: 'muted staff-added' },
        member.addedBy === 'ADMINS'
          ? tr.t('staff.seeded', { time })
          : tr.t('staff.addedBy', { name: adder, time }),
      ),
      actions.length > 0 && h('span', { class: 'staff-actions' }, ...actions),
    );
  }

  private button(
    label: 'staff.promote' | 'staff.demote' | 'staff.remove' | 'staff.removeYes' | 'staff.removeNo',
    action: string,
    run: () => void | Promise<void>,
    secondary = false,
  ): HTMLButtonElement {
    return h(
      'button',
      {
        type: 'button',
        class: secondary ? 'link-button' : 'secondary',
        'data-staff-action': action,
        onclick: () => void run(),
      },
      this.tr.t(label),
    );
  }

  private confirm(userId: string | undefined): void {
    this.confirming = userId;
    this.render(this.members);
  }

  private async add(): Promise<void> {
    const userId = this.userId.value.trim();
    if (!userId) return;
    await this.run('add', async () => {
      const staff = await this.client
        .staff()
        .add(userId, this.role.value === 'manager' ? 'manager' : 'staff');
      this.userId.value = '';
      return staff;
    });
  }

  private setRole(userId: string, role: StaffRole): Promise<void> {
    return this.run('change', () => this.client.staff().setRole(userId, role));
  }

  private remove(userId: string): Promise<void> {
    this.confirming = undefined;
    return this.run('change', () => this.client.staff().remove(userId));
  }

  private async run(kind: StaffRequestKind, change: () => Promise<StaffMember[]>): Promise<void> {
    try {
      const staff = await change();
      setText(this.error, '');
      this.changed(staff);
    } catch (error) {
      this.fail(kind, error);
      this.render(this.members);
    }
  }

  private fail(kind: StaffRequestKind, error: unknown): void {
    setText(
      this.error,
      this.tr.t('staff.failed', { reason: staffErrorText(this.tr, kind, error) }),
    );
  }
}
