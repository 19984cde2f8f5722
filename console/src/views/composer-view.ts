/**
 * The message box: a textbox named "Message", a character counter against the 4000-character
 * limit (counted in code points, as the server does: an emoji is one), and a "Send" button.
 * Enter sends, Shift+Enter starts a new line, and Enter that confirms an input method's candidate
 * (Chinese, Japanese…) does neither. A picture button opens the file picker, and a pasted image
 * (Ctrl+V of a screenshot) is sent as a picture; both hand the files to `pick`.
 */
import {
  codePointLength,
  MAX_TEXT_CHARS,
  messageTextProblem,
  type Translator,
} from '../../../client/index';
import { ACCEPTED_TYPES } from '../browser/picked-image';
import { h, setText } from '../dom';
import { counterText } from '../../../client/index';

export interface ComposerActions {
  /** Sends the text; returns false when it was not accepted (the draft stays). */
  send(text: string): boolean;
  typing(typing: boolean): void;
  /** Pictures chosen with the button or pasted into the box. */
  pick(files: File[]): void;
}

export class ComposerView {
  readonly element: HTMLFormElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly counter: HTMLElement;
  private readonly button: HTMLButtonElement;

  constructor(
    private readonly tr: Translator,
    private readonly actions: ComposerActions,
  ) {
    this.textarea = h('textarea', {
      id: 'message',
      name: 'message',
      rows: 3,
      placeholder: tr.t('composer.placeholder'),
      enterkeyhint: 'send',
      'aria-describedby': 'message-hint message-count',
    });
    this.counter = h('span', { id: 'message-count', class: 'counter' });
    this.button = h('button', { type: 'submit', class: 'send' }, tr.t('composer.send'));
    const picker = h('input', {
      type: 'file',
      id: 'picture-input',
      accept: ACCEPTED_TYPES,
      hidden: true,
    });
    picker.addEventListener('change', () => {
      const files = Array.from(picker.files ?? []);
      // The same file may be picked again (after a cancel).
      picker.value = '';
      if (files.length > 0) this.actions.pick(files);
    });
    const attach = h(
      'button',
      { type: 'button', class: 'secondary attach', onclick: () => picker.click() },
      tr.t('image.attach'),
    );
    this.element = h(
      'form',
      { class: 'composer' },
      h('label', { for: 'message', class: 'sr-only' }, tr.t('composer.label')),
      this.textarea,
      h(
        'div',
        { class: 'composer-row' },
        h('span', { id: 'message-hint', class: 'muted hint' }, tr.t('composer.hint')),
        this.counter,
        this.button,
        // After Send: Tab from the message box reaches Send first, as before pictures.
        picker,
        attach,
      ),
    );
    this.textarea.addEventListener('input', () => {
      this.update();
      this.actions.typing(this.textarea.value.length > 0);
    });
    this.textarea.addEventListener('blur', () => this.actions.typing(false));
    this.textarea.addEventListener('paste', (event) => {
      const files = Array.from(event.clipboardData?.files ?? []);
      // Text pastes as text; only a pasted file (a screenshot, a copied picture) is a picture.
      if (files.length === 0) return;
      event.preventDefault();
      this.actions.pick(files);
    });
    this.textarea.addEventListener('keydown', (event) => {
      // keyCode 229: a key an input method is still processing (older browsers lack isComposing).
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229)
        return;
      event.preventDefault();
      this.submit();
    });
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.update();
  }

  get draft(): string {
    return this.textarea.value;
  }

  set draft(text: string) {
    this.textarea.value = text;
    this.update();
  }

  focus(): void {
    this.textarea.focus();
  }

  private submit(): void {
    const text = this.textarea.value;
    if (messageTextProblem(text) !== undefined) return;
    if (!this.actions.send(text)) return;
    this.draft = '';
    this.textarea.focus();
  }

  private update(): void {
    const count = codePointLength(this.textarea.value);
    const over = count > MAX_TEXT_CHARS;
    setText(this.counter, counterText(this.tr, count, MAX_TEXT_CHARS));
    this.counter.classList.toggle('over', over);
    if (over) this.textarea.setAttribute('aria-invalid', 'true');
    else this.textarea.removeAttribute('aria-invalid');
    this.button.disabled = messageTextProblem(this.textarea.value) !== undefined;
  }
}
