/**
 * The message catalog both apps share, and its formatter.
 *
 * Why a ~60-line formatter over a typed catalog instead of a library: the mini-program runs on
 * WeChat's engines, and Android's has no `Intl` at all ("Intl is not defined" on real devices,
 * https://developers.weixin.qq.com/community/develop/doc/00044a6a7782b8f211df8d36e5e400 and
 * https://developers.weixin.qq.com/community/develop/doc/000466d0c34f300bc05bcc2b456800), so
 * `Intl.PluralRules`/`DateTimeFormat` (which @lingui/core and i18next's plural handling rely on)
 * would need a polyfill of hundreds of KB. typesafe-i18n avoids `Intl` for plurals but brings a
 * code generator and a runtime larger than this whole file. What the apps need is small: two
 * locales, `{name}` interpolation, and plurals with English's one/other (Chinese has a single
 * form). The ids are checked by the compiler: `MessageId` comes from the Chinese catalog, and
 * the English one must have exactly those keys.
 */
import type { zh } from './messages-zh';

/** The locales the apps speak; `zh` (Simplified Chinese) is the default. */
export type Locale = 'zh' | 'en';
export const LOCALES: readonly Locale[] = ['zh', 'en'];
export const DEFAULT_LOCALE: Locale = 'zh';

/** A message id of the catalog. */
export type MessageId = keyof typeof zh;
/** One entry: a text, or a plural (`one` for a count of 1 in English, `other` otherwise). */
export type Message = string | { readonly one: string; readonly other: string };
export type Catalog = { readonly [K in MessageId]: Message };
/** Interpolated values; `count` also selects the plural form. */
export type Params = Readonly<Record<string, string | number>>;

/** Formats one entry of `catalog` for `locale`. Unknown `{names}` are left as they are. */
export function format(locale: Locale, message: Message, params: Params = {}): string {
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    // English: 1 is singular; Chinese has no grammatical number.
    text = locale === 'en' && params.count === 1 ? message.one : message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}
