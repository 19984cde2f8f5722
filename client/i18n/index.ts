/** The shared message catalog (see catalog.ts for why it is this small). */
export {
  type Catalog,
  DEFAULT_LOCALE,
  format,
  type Locale,
  LOCALES,
  type Message,
  type MessageId,
  type Params,
} from './catalog';
export { en } from './messages-en';
export { zh } from './messages-zh';
export {
  codeText,
  errorText,
  LOCALE_STORAGE_KEY,
  localeFromLanguages,
  localeFromWechat,
  loginErrorText,
  storedLocale,
  type Translator,
  translator,
} from './translator';
