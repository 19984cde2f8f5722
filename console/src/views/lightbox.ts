/**
 * The full-size view of a picture: a modal `<dialog>` (the browser traps focus inside it and
 * closes it on Esc) with the display copy and a close button. A click anywhere on it closes it
 * too; focus returns to the thumbnail that opened it (found again by the caller, since the row
 * may have been rendered anew meanwhile).
 */
import type { Translator } from '../../../client/index';
import { h } from '../dom';

export class Lightbox {
  readonly element: HTMLDialogElement;
  /** Only while open: a closed lightbox leaves no image in the page. */
  private image: HTMLImageElement | undefined;
  private returnFocus: (() => HTMLElement | null) | undefined;

  constructor(tr: Translator) {
    const close = h(
      'button',
      { type: 'button', class: 'lightbox-close', 'data-action': 'close-image' },
      tr.t('image.close'),
    );
    this.element = h('dialog', { class: 'lightbox', 'aria-label': tr.t('image.lightbox') }, close);
    // A click on the picture, the close button or the backdrop (the dialog itself) closes.
    this.element.addEventListener('click', () => this.close());
    this.element.addEventListener('close', () => {
      // The close event is a queued task: a picture opened again before it ran (Esc, then Enter
      // at once) keeps its image and its way back.
      if (this.element.open) return;
      this.image?.remove();
      this.image = undefined;
      const target = this.returnFocus?.();
      this.returnFocus = undefined;
      target?.focus();
    });
  }

  /** Shows `url` full size; `returnFocus` finds the element to focus after closing. */
  open(url: string, alt: string, returnFocus: () => HTMLElement | null): void {
    this.returnFocus = returnFocus;
    this.image?.remove();
    this.image = h('img', { class: 'lightbox-image', src: url, alt });
    this.element.append(this.image);
    if (!this.element.open) this.element.showModal();
    (this.element.querySelector('.lightbox-close') as HTMLElement | null)?.focus();
  }

  get isOpen(): boolean {
    return this.element.open;
  }

  close(): void {
    if (this.element.open) this.element.close();
  }
}
