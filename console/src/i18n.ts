/**
 * The console's language: the user's choice (remembered in localStorage), else the first Chinese
 * or English entry of `navigator.languages`, else Chinese. Switching reloads the page: every view
 * is built again in the new language, and the tab's session and the stored outbox survive it.
 */
import {
  type Locale,
  LOCALE_STORAGE_KEY,
  localeFromLanguages,
  storedLocale,
  type Translator,
  translator,
} from '../../client/index';
import { h } from './dom';

function remembered(): Locale | undefined {
  try {
    return storedLocale(window.localStorage.getItem(LOCALE_STORAGE_KEY));
  } catch {
    return undefined;
  }
}

/** The translator for this page load; also sets `<html lang>` and the document title. */
export function consoleTranslator(): Translator {
  const tr = translator(remembered() ?? localeFromLanguages(navigator.languages ?? []));
  document.documentElement.lang = tr.tag;
  document.title = tr.t('console.title');
  return tr;
}

/** Remembers `locale` and shows the console in it. */
export function chooseLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Storage refused: the choice lasts for this load only.
  }
  window.location.reload();
}

/** The language switch (a labelled select; each option named in its own language). */
export function languageSwitch(tr: Translator): HTMLElement {
  const select = h(
    'select',
    { id: 'language', class: 'language', 'aria-label': tr.t('lang.label') },
    h('option', { value: 'zh', lang: 'zh-CN', selected: tr.locale === 'zh' }, tr.t('lang.zh')),
    h('option', { value: 'en', lang: 'en', selected: tr.locale === 'en' }, tr.t('lang.en')),
  );
  select.addEventListener('change', () => {
    const next = select.value === 'en' ? 'en' : 'zh';
    if (next !== tr.locale) chooseLocale(next);
  });
  return select;
}
