/** The product's name with its mark: a speech bubble in the campus green, drawn in CSS. */
import type { Translator } from '../../../client/index';
import { h } from '../dom';

export function brand(tr: Translator, tag: 'h1' | 'span'): HTMLElement {
  return h(
    tag,
    { class: 'brand' },
    h('span', { class: 'brand-mark', 'aria-hidden': 'true' }),
    h('span', { class: 'brand-name' }, tr.t('app.name')),
  );
}
