/**
 * Translators (a locale bound to the catalog), locale detection for both apps, and the words for
 * error codes: clients show these, never a server's English `message`.
 */
import type { ContentLabel } from '../../protocol/content-labels';
import { ConnectionLostError, ProtocolError, RequestTimeoutError } from '../errors';
import { type Locale, DEFAULT_LOCALE, format, type MessageId, type Params } from './catalog';
import { en } from './messages-en';
import { zh } from './messages-zh';

/** `t(id, params)` in one locale. */
export interface Translator {
  readonly locale: Locale;
  /** The BCP 47 tag for `lang` attributes (`zh-CN`, `en`). */
  readonly tag: string;
  t(id: MessageId, params?: Params): string;
}

const CATALOGS = { zh, en } as const;

/** The translator of `locale`. */
export function translator(locale: Locale): Translator {
  const catalog = CATALOGS[locale];
  return {
    locale,
    tag: locale === 'zh' ? 'zh-CN' : 'en',
    t: (id, params) => format(locale, catalog[id], params),
  };
}

/** Where both apps remember the language the user chose. */
export const LOCALE_STORAGE_KEY = 'campus-chat.locale';

/** A stored choice, if it is one of ours. */
export function storedLocale(raw: string | null | undefined): Locale | undefined {
  return raw === 'zh' || raw === 'en' ? raw : undefined;
}

/**
 * The console's locale from `navigator.languages` (most preferred first): the first Chinese or
 * English tag decides; nothing usable means Chinese, the product's language.
 */
export function localeFromLanguages(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (primary === 'zh') return 'zh';
    if (primary === 'en') return 'en';
  }
  return DEFAULT_LOCALE;
}

/**
 * The mini-program's locale from WeChat's language (`wx.getAppBaseInfo().language`:
 * `zh_CN`, `zh_TW`, `en`, …): English only for `en`, Chinese for everything else.
 */
export function localeFromWechat(language: string | undefined): Locale {
  return language !== undefined && /^en(_|$)/i.test(language) ? 'en' : DEFAULT_LOCALE;
}

const CODE_MESSAGES: Readonly<Record<string, MessageId>> = {
  BAD_REQUEST: 'error.BAD_REQUEST',
  UNKNOWN_ACTION: 'error.UNKNOWN_ACTION',
  FORBIDDEN: 'error.FORBIDDEN',
  NOT_FOUND: 'error.NOT_FOUND',
  TOO_LARGE: 'error.TOO_LARGE',
  RATE_LIMITED: 'error.RATE_LIMITED',
  INTERNAL: 'error.INTERNAL',
  UNSUPPORTED_MEDIA: 'error.UNSUPPORTED_MEDIA',
  // Client-side codes of an image message whose upload failed (client/outbox-sender.ts).
  UPLOAD_FAILED: 'error.UPLOAD_FAILED',
  UPLOAD_CANCELLED: 'error.UPLOAD_CANCELLED',
  UPLOAD_MISSING: 'error.UPLOAD_MISSING',
  CONTENT_REJECTED: 'error.CONTENT_REJECTED',
  UNAVAILABLE: 'error.UNAVAILABLE',
  CONFLICT: 'error.CONFLICT',
  BUSY: 'error.BUSY',
};

/** CONTENT_REJECTED's label in words (protocol/content-labels.ts). */
const LABEL_MESSAGES: Readonly<Record<ContentLabel, MessageId>> = {
  ad: 'content.label.ad',
  politics: 'content.label.politics',
  porn: 'content.label.porn',
  abuse: 'content.label.abuse',
  crime: 'content.label.crime',
  fraud: 'content.label.fraud',
  vulgar: 'content.label.vulgar',
  copyright: 'content.label.copyright',
  other: 'content.label.other',
};

/** The entry of `table` for `code`, never one of Object.prototype's (`constructor`…). */
function lookup(table: Readonly<Record<string, MessageId>>, code: string): MessageId | undefined {
  return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;
}

/**
 * Words for a protocol error code (an unknown code gets the generic words); CONTENT_REJECTED
 * with its label says what was found.
 */
export function codeText(tr: Translator, code: string, label?: string): string {
  const labelId = label !== undefined ? lookup(LABEL_MESSAGES, label) : undefined;
  if (code === 'CONTENT_REJECTED' && labelId) {
    return tr.t('error.CONTENT_REJECTED.because', { label: tr.t(labelId) });
  }
  return tr.t(lookup(CODE_MESSAGES, code) ?? 'error.unknown');
}

/** Words for anything a request may reject with; never the error's own (English) message. */
export function errorText(tr: Translator, error: unknown): string {
  if (error instanceof ProtocolError && error.code === 'CONFLICT' && error.ownerName) {
    return tr.t('error.CONFLICT.owner', { name: error.ownerName });
  }
  if (error instanceof ProtocolError) return codeText(tr, error.code, error.label);
  if (error instanceof RequestTimeoutError) return tr.t('error.timeout');
  if (error instanceof ConnectionLostError) return tr.t('error.connectionLost');
  return tr.t('error.unknown');
}

const LOGIN_MESSAGES: Readonly<Record<string, MessageId>> = {
  FORBIDDEN: 'login.error.FORBIDDEN',
  BAD_REQUEST: 'login.error.BAD_REQUEST',
  NETWORK: 'login.error.NETWORK',
  INVALID_CODE: 'login.error.INVALID_CODE',
  RATE_LIMITED: 'login.error.RATE_LIMITED',
  CONTENT_REJECTED: 'login.error.CONTENT_REJECTED',
  UNAVAILABLE: 'login.error.UNAVAILABLE',
};

/**
 * Words for a failed login's code (LoginError.code: the server's, NETWORK or HTTP_<status>); a
 * refused name (CONTENT_REJECTED) with its label says what was found.
 */
export function loginErrorText(tr: Translator, code: string, label?: string): string {
  const labelId = label !== undefined ? lookup(LABEL_MESSAGES, label) : undefined;
  if (code === 'CONTENT_REJECTED' && labelId) {
    return tr.t('login.error.CONTENT_REJECTED.because', { label: tr.t(labelId) });
  }
  return tr.t(lookup(LOGIN_MESSAGES, code) ?? 'login.error.other');
}
