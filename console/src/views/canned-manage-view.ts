/**
 * Managing the desk's canned replies (staff): the list with edit and delete, and a form to add or
 * edit one (title and text, bounded as the server bounds them; the server also checks the text).
 */
import {
  type CannedReply,
  type ChatClient,
  errorText,
  MAX_CANNED_REPLY_CHARS,
  MAX_CANNED_TITLE_CHARS,
  type Translator,
} from '../../../client/index';
import { h, replaceChildren, setText } from '../dom';

export class CannedManageView {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly form: HTMLFormElement;
  private readonly title: HTMLInputElement;
  private readonly text: HTMLTextAreaElement;
  private readonly error: HTMLElement;
  private editing: string | undefined;

  constructor(
    private readonly tr: Translator,
    private readonly client: ChatClient,
    private readonly saved: (replies: CannedReply[]) => void,
  ) {
    this.list = h('ul', { class: 'canned-manage-list' });
    this.title = h('input', {
      id: 'canned-title',
      required: true,
      maxlength: MAX_CANNED_TITLE_CHARS,
      autocomplete: 'off',
    });
    this.text = h('textarea', {
      id: 'canned-text',
      required: true,
      rows: 2,
      maxlength: MAX_CANNED_REPLY_CHARS,
    });
    this.error = h('p', { class: 'error', role: 'alert' });
    this.form = h(
      'form',
      { class: 'canned-form' },
      h('label', { for: 'canned-title' }, tr.t('canned.titleLabel')),
      this.title,
      h('label', { for: 'canned-text' }, tr.t('canned.textLabel')),
      this.text,
      h(
        'div',
        { class: 'inline-form' },
        h('button', { type: 'submit' }, tr.t('canned.save')),
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => this.edit(undefined) },
          tr.t('canned.cancel'),
        ),
      ),
      this.error,
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save();
    });
    this.element = h(
      'details',
      { class: 'canned-manage' },
      h('summary', {}, tr.t('canned.manage')),
      h('p', { class: 'muted' }, tr.t('canned.hint')),
      this.list,
      this.form,
    );
  }

  render(replies: readonly CannedReply[]): void {
    replaceChildren(
      this.list,
      replies.length === 0 && h('li', { class: 'muted' }, this.tr.t('canned.empty')),
      ...replies.map((reply) =>
        h(
          'li',
          { 'data-reply': reply.replyId },
          h('strong', {}, reply.title),
          ' ',
          h('span', { class: 'muted' }, reply.text),
          ' ',
          h(
            'button',
            { type: 'button', class: 'link-button', onclick: () => this.edit(reply) },
            this.tr.t('canned.edit'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              onclick: () => void this.remove(reply.replyId),
            },
            this.tr.t('canned.delete'),
          ),
        ),
      ),
    );
  }

  private edit(reply: CannedReply | undefined): void {
    this.editing = reply?.replyId;
    this.title.value = reply?.title ?? '';
    this.text.value = reply?.text ?? '';
    setText(this.error, '');
    if (reply) this.title.focus();
  }

  private async save(): Promise<void> {
    try {
      const replies = await this.client.desk().saveCannedReply({
        ...(this.editing !== undefined ? { replyId: this.editing } : {}),
        title: this.title.value,
        text: this.text.value,
      });
      this.edit(undefined);
      this.saved(replies);
    } catch (error) {
      setText(this.error, this.tr.t('canned.failed', { reason: errorText(this.tr, error) }));
    }
  }

  private async remove(replyId: string): Promise<void> {
    try {
      this.saved(await this.client.desk().deleteCannedReply(replyId));
    } catch (error) {
      setText(this.error, this.tr.t('canned.failed', { reason: errorText(this.tr, error) }));
    }
  }
}
