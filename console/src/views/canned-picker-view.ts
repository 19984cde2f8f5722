/**
 * Canned replies (常用语) in the message box, for staff: typing "/" at the start of an empty draft
 * opens a picker of the desk's shared replies, filtered by what follows the slash (title or text);
 * ↑/↓ move, Enter or Tab inserts the reply in place of "/…", Escape closes. It sits on the
 * composer's textarea from outside (capturing keys before the composer's Enter-to-send), so the
 * composer itself knows nothing of it. The list is a listbox the textarea points at
 * (aria-activedescendant), so screen readers follow the selection.
 */
import type { CannedReply, Translator } from '../../../client/index';
import { h, replaceChildren } from '../dom';

export class CannedPickerView {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private replies: readonly CannedReply[] = [];
  private matches: CannedReply[] = [];
  private active = 0;
  private isOpen = false;

  constructor(
    private readonly tr: Translator,
    private readonly textarea: HTMLTextAreaElement,
  ) {
    this.list = h('ul', {
      id: 'canned-picker-list',
      class: 'canned-list',
      role: 'listbox',
      'aria-label': tr.t('canned.title'),
    });
    this.element = h(
      'div',
      { class: 'canned-picker', hidden: true },
      h('p', { class: 'muted canned-head' }, tr.t('canned.title')),
      this.list,
    );
    textarea.addEventListener('input', () => this.update());
    textarea.addEventListener('blur', () => {
      // After a click on an option has been handled.
      setTimeout(() => this.close(), 150);
    });
    // Capture on the form: runs before the composer's own keydown (Enter sends).
    const form = textarea.form ?? textarea.parentElement;
    form?.addEventListener('keydown', (event) => this.key(event as KeyboardEvent), true);
  }

  /** The desk's current list (from the server, or a colleague's change). */
  setReplies(replies: readonly CannedReply[]): void {
    this.replies = replies;
    if (this.isOpen) this.update();
  }

  private query(): string | undefined {
    const value = this.textarea.value;
    return value.startsWith('/') && !value.includes('\n') ? value.slice(1).trim() : undefined;
  }

  private update(): void {
    const query = this.query();
    if (query === undefined) {
      this.close();
      return;
    }
    const q = query.toLowerCase();
    this.matches = this.replies.filter(
      (r) => q === '' || r.title.toLowerCase().includes(q) || r.text.toLowerCase().includes(q),
    );
    this.active = Math.min(this.active, Math.max(0, this.matches.length - 1));
    this.isOpen = true;
    this.element.hidden = false;
    this.textarea.setAttribute('aria-controls', 'canned-picker-list');
    this.textarea.setAttribute('aria-expanded', 'true');
    this.render();
  }

  private close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.active = 0;
    this.element.hidden = true;
    this.textarea.removeAttribute('aria-activedescendant');
    this.textarea.setAttribute('aria-expanded', 'false');
  }

  private key(event: KeyboardEvent): void {
    if (!this.isOpen || event.target !== this.textarea || event.isComposing) return;
    const stop = () => {
      event.preventDefault();
      event.stopPropagation();
    };
    if (event.key === 'ArrowDown' && this.matches.length > 0) {
      stop();
      this.active = (this.active + 1) % this.matches.length;
      this.render();
    } else if (event.key === 'ArrowUp' && this.matches.length > 0) {
      stop();
      this.active = (this.active - 1 + this.matches.length) % this.matches.length;
      this.render();
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) {
      const reply = this.matches[this.active];
      if (!reply) return;
      stop();
      this.insert(reply);
    } else if (event.key === 'Escape') {
      stop();
      this.close();
    }
  }

  private insert(reply: CannedReply): void {
    this.textarea.value = reply.text;
    this.close();
    // The composer updates its counter and button from the input event.
    this.textarea.dispatchEvent(new Event('input', { bubbles: true }));
    this.textarea.focus();
    this.textarea.setSelectionRange(reply.text.length, reply.text.length);
  }

  private render(): void {
    if (this.matches.length === 0) {
      replaceChildren(
        this.list,
        h(
          'li',
          { class: 'muted' },
          this.tr.t(this.replies.length === 0 ? 'canned.empty' : 'canned.noMatch'),
        ),
      );
      this.textarea.removeAttribute('aria-activedescendant');
      return;
    }
    replaceChildren(
      this.list,
      ...this.matches.map((reply, i) =>
        h(
          'li',
          {
            id: `canned-option-${i}`,
            role: 'option',
            class: 'canned-option',
            'data-reply': reply.replyId,
            'aria-selected': String(i === this.active),
            onmousedown: (event: Event) => {
              event.preventDefault();
              this.insert(reply);
            },
          },
          h('strong', {}, reply.title),
          ' ',
          h('span', { class: 'muted' }, reply.text),
        ),
      ),
    );
    this.textarea.setAttribute('aria-activedescendant', `canned-option-${this.active}`);
  }
}
