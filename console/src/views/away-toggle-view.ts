/**
 * Away and back (暂离 / 在岗) for every staff member, in the console's header: the caller's status
 * from the staff list (live: the list is pushed after every change) and the button that flips it.
 * Away staff do not count as the desk being online (docs/protocol.md "Staff management").
 */
import {
  type ChatClient,
  type StaffMember,
  staffErrorText,
  staffStatusText,
  type Translator,
} from '../../../client/index';
import { h, setText } from '../dom';

export class AwayToggleView {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly button: HTMLButtonElement;
  private away = false;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
    private readonly userId: string,
    private readonly changed: (staff: StaffMember[]) => void,
    private readonly notice: (text: string) => void,
  ) {
    this.status = h('span', { class: 'away-status' });
    this.button = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        'data-away-toggle': '',
        onclick: () => void this.flip(),
      },
      tr.t('staff.goAway'),
    );
    this.element = h('p', { class: 'away-toggle', hidden: true }, this.status, ' ', this.button);
  }

  /** Shows the caller's status from the staff list (hidden when they are not on it). */
  render(staff: readonly StaffMember[]): void {
    const me = staff.find((m) => m.userId === this.userId);
    this.element.hidden = !me;
    if (!me) return;
    this.away = me.status === 'away';
    this.element.dataset.status = me.status;
    setText(
      this.status,
      this.tr.t('staff.myStatus', { status: staffStatusText(this.tr, me.status) }),
    );
    setText(this.button, this.tr.t(this.away ? 'staff.goBack' : 'staff.goAway'));
  }

  private async flip(): Promise<void> {
    this.button.disabled = true;
    try {
      this.changed(await this.client.staff().setAway(!this.away));
    } catch (error) {
      this.notice(this.tr.t('staff.failed', { reason: staffErrorText(this.tr, 'change', error) }));
    } finally {
      this.button.disabled = false;
    }
  }
}
