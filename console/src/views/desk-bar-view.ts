/**
 * The desk line under an open support conversation's title. Staff see its state and owner and
 * act on it — claim (接待), release, resolve, transfer to a colleague by user id; the server
 * decides (a colleague who claimed first is named in the refusal). A student sees who is
 * answering: "王老师 正在为你服务" (a display name; the server never sends a staff id to students).
 */
import {
  type ChatClient,
  type DeskAction,
  deskActionLabel,
  deskActions,
  type DeskInfo,
  deskInfoOf,
  type DeskStateFrame,
  deskStatusText,
  errorText,
  type SessionUser,
  type Translator,
} from '../../../client/index';
import { h, replaceChildren, setText } from '../dom';

export type { DeskInfo };

export class DeskBarView {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly buttons: HTMLElement;
  private readonly transferForm: HTMLFormElement;
  private readonly transferInput: HTMLInputElement;
  private conversationId: string | undefined;
  private info: DeskInfo | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
    private readonly user: SessionUser,
    private readonly notice: (text: string) => void,
  ) {
    this.status = h('span', { class: 'desk-status', 'aria-live': 'polite' });
    this.buttons = h('span', { class: 'desk-actions' });
    this.transferInput = h('input', {
      id: 'desk-transfer-to',
      name: 'to',
      required: true,
      autocomplete: 'off',
      maxlength: 64,
    });
    this.transferForm = h(
      'form',
      { class: 'desk-transfer inline-form', hidden: true },
      h('label', { for: 'desk-transfer-to' }, tr.t('desk.transferLabel')),
      this.transferInput,
      h('button', { type: 'submit', class: 'secondary' }, tr.t('desk.transferSubmit')),
    );
    this.transferForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const to = this.transferInput.value.trim();
      const id = this.conversationId;
      if (!to || !id) return;
      void this.act(() => this.client.desk().transfer(id, to)).then((done) => {
        if (!done) return;
        this.transferInput.value = '';
        this.transferForm.hidden = true;
      });
    });
    this.element = h(
      'div',
      { class: 'desk-bar', hidden: true, 'data-desk-state': '' },
      this.status,
      this.buttons,
      this.transferForm,
    );
  }

  /** Shows the line for a support conversation (hidden for rooms, or before its state is known). */
  show(conversationId: string | undefined, info: DeskInfo | undefined): void {
    this.conversationId = conversationId;
    this.info = info;
    this.transferForm.hidden = true;
    this.render();
  }

  /** A desk change arrived: applies it when it is about the open conversation. */
  changed(frame: DeskStateFrame): void {
    if (frame.conversationId !== this.conversationId) return;
    this.info = deskInfoOf(frame);
    this.render();
  }

  private render(): void {
    const id = this.conversationId;
    const info = this.info;
    const support = id?.startsWith('support:') === true;
    this.element.hidden = !support || !info;
    if (!support || !info) return;
    this.element.dataset.deskState = info.state;
    const admin = this.user.role === 'admin';
    if (!admin) {
      setText(
        this.status,
        info.state === 'claimed' && info.ownerName
          ? this.tr.t('desk.serving', { name: info.ownerName })
          : '',
      );
      this.element.hidden = !(info.state === 'claimed' && info.ownerName);
      replaceChildren(this.buttons);
      return;
    }
    setText(this.status, deskStatusText(this.tr, info, this.user.id));
    const desk = this.client.desk();
    const run: Record<Exclude<DeskAction, 'transfer'>, () => Promise<DeskStateFrame>> = {
      claim: () => desk.claim(id),
      release: () => desk.release(id),
      resolve: () => desk.resolve(id),
    };
    replaceChildren(
      this.buttons,
      ...deskActions(info, this.user.id).map((action) =>
        h(
          'button',
          {
            type: 'button',
            class: action === 'claim' ? 'desk-claim' : 'secondary',
            'data-desk-action': action,
            onclick: () => {
              if (action !== 'transfer') {
                void this.act(run[action]);
                return;
              }
              this.transferForm.hidden = !this.transferForm.hidden;
              if (!this.transferForm.hidden) this.transferInput.focus();
            },
          },
          deskActionLabel(this.tr, action),
        ),
      ),
    );
  }

  /** Runs a desk action; false (and a notice saying why) when the server refused it. */
  private async act(run: () => Promise<DeskStateFrame>): Promise<boolean> {
    try {
      this.changed(await run());
      return true;
    } catch (error) {
      this.notice(this.tr.t('desk.actionFailed', { reason: errorText(this.tr, error) }));
      return false;
    }
  }
}
