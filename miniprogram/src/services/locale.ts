/**
 * The mini-program's language: the user's choice (remembered in storage), else WeChat's own
 * language — `wx.getAppBaseInfo().language` (https://developers.weixin.qq.com/miniprogram/dev/api/base/system/wx.getAppBaseInfo.html):
 * `en` is English, `zh_CN` and anything else Chinese. Read synchronously (getStorageSync) because
 * a page needs its words in its first setData.
 */
import {
  type Locale,
  LOCALE_STORAGE_KEY,
  localeFromWechat,
  storedLocale,
  type Translator,
  translator,
} from '../core';
import { globalWx, type WxApi } from './wx-api';

/** The translator for the app's current language. */
export function appTranslator(api: WxApi = globalWx()): Translator {
  let chosen: Locale | undefined;
  try {
    // getStorageSync returns '' for a key that was never set.
    chosen = storedLocale(String(api.getStorageSync(LOCALE_STORAGE_KEY) ?? ''));
  } catch {
    chosen = undefined;
  }
  if (chosen) return translator(chosen);
  let language: string | undefined;
  try {
    language = api.getAppBaseInfo().language;
  } catch {
    // Base library before 2.20.1 (no getAppBaseInfo): the product's language.
    language = undefined;
  }
  return translator(localeFromWechat(language));
}

/** Remembers the user's choice of language (the caller relaunches so every page follows). */
export function chooseLocale(locale: Locale, api: WxApi = globalWx()): void {
  api.setStorageSync(LOCALE_STORAGE_KEY, locale);
}
