/**
 * The staff audit log (变更记录), managers only: newest first, a page of STAFF_AUDIT_PAGE at a time
 * ("更早的记录" asks for the next with the previous page's `next`). Loaded when opened, and again
 * when the staff list changes while it is open.
 */
import {
  type ChatClient,
  formatTime,
  type StaffAuditEntry,
  staffChangeText,
  staffErrorText,
  type Translator,
} from '../../../client/index';
import { h, setText } from '../dom';

export class StaffAuditView {
  readonly element: HTMLDetailsElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;
  private readonly more: HTMLButtonElement;
  private readonly error: HTMLElement;
  private entries: StaffAuditEntry[] = [];
  private next: string | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
  ) {
    this.list = h('ul', { class: 'staff-audit-list' });
    this.empty = h('p', { class: 'muted', hidden: true }, tr.t('staff.auditEmpty'));
    this.error = h('p', { class: 'error', role: 'alert' });
    this.more = h(
      'button',
      { type: 'button', class: 'secondary', hidden: true, onclick: () => void this.load(true) },
      tr.t('staff.auditMore'),
    );
    this.element = h(
      'details',
      { class: 'staff-audit' },
      h('summary', {}, tr.t('staff.audit')),
      this.empty,
      this.list,
      this.more,
      this.error,
    );
    this.element.addEventListener('toggle', () => {
      if (this.element.open) void this.load();
    });
  }

  /** The staff list changed: the first page again, if the log is open. */
  changed(): void {
    if (this.element.open) void this.load();
  }

  private async load(more = false): Promise<void> {
    try {
      const page = await this.client.staff().audit(more ? this.next : undefined);
      this.entries = more ? [...this.entries, ...page.entries] : page.entries;
      this.next = page.next;
      setText(this.error, '');
      this.render();
    } catch (error) {
      setText(
        this.error,
        this.tr.t('staff.failed', { reason: staffErrorText(this.tr, 'change', error) }),
      );
    }
  }

  private render(): void {
    const { tr } = this;
    this.list.replaceChildren(
      ...this.entries.map((entry) =>
        h(
          'li',
          { 'data-change': entry.change },
          h('time', { datetime: entry.at }, formatTime(tr, entry.at)),
          ' ',
          staffChangeText(tr, entry),
        ),
      ),
    );
    this.empty.hidden = this.entries.length > 0;
    this.more.hidden = this.next === undefined;
  }
}
