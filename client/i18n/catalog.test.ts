/** The catalog: both locales complete, interpolation, plurals, locale detection, error words. */
import { describe, expect, it } from 'vitest';
import { ConnectionLostError, ProtocolError, RequestTimeoutError } from '../errors';
import {
  en,
  errorText,
  localeFromLanguages,
  localeFromWechat,
  loginErrorText,
  storedLocale,
  translator,
  zh,
} from './index';

describe('message catalog', () => {
  it('has the same ids in both locales, each with the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    const holes = (m: unknown) =>
      JSON.stringify(m)
        .match(/\{\w+\}/g)
        ?.sort() ?? [];
    for (const id of Object.keys(zh) as (keyof typeof zh)[]) {
      expect([id, holes(en[id])]).toEqual([id, holes(zh[id])]);
    }
  });

  it('interpolates and picks English plurals by count', () => {
    expect(translator('en').t('room.members', { count: 1 })).toBe('1 member');
    expect(translator('en').t('room.members', { count: 5 })).toBe('5 members');
    expect(translator('zh').t('room.members', { count: 1 })).toBe('1 位成员');
    expect(translator('zh').t('sidebar.joinLabel', { title: '图书馆三楼' })).toBe(
      '加入 图书馆三楼',
    );
  });

  it('tags locales for lang attributes', () => {
    expect(translator('zh').tag).toBe('zh-CN');
    expect(translator('en').tag).toBe('en');
  });
});

describe('locale detection', () => {
  it('follows navigator.languages, Chinese when nothing fits', () => {
    expect(localeFromLanguages(['en-US', 'zh-CN'])).toBe('en');
    expect(localeFromLanguages(['zh-TW', 'en'])).toBe('zh');
    expect(localeFromLanguages(['fr-FR', 'de'])).toBe('zh');
    expect(localeFromLanguages([])).toBe('zh');
  });

  it('follows WeChat: en is English, zh_CN and anything else Chinese', () => {
    expect(localeFromWechat('zh_CN')).toBe('zh');
    expect(localeFromWechat('en')).toBe('en');
    expect(localeFromWechat('zh_HK')).toBe('zh');
    expect(localeFromWechat('ja')).toBe('zh');
    expect(localeFromWechat(undefined)).toBe('zh');
  });

  it('accepts only its own stored choices', () => {
    expect([
      storedLocale('en'),
      storedLocale('zh'),
      storedLocale('fr'),
      storedLocale(null),
    ]).toEqual(['en', 'zh', undefined, undefined]);
  });
});

describe('error words', () => {
  it('translates codes and never shows the server’s English message', () => {
    const zhT = translator('zh');
    const refused = new ProtocolError('FORBIDDEN', 'not a member of room:x');
    expect(errorText(zhT, refused)).toBe('没有权限');
    expect(errorText(translator('en'), refused)).not.toContain('room:x');
    expect(errorText(zhT, new RequestTimeoutError('no reply to r1'))).toBe(
      '服务器没有响应，请稍后再试',
    );
    expect(errorText(zhT, new ConnectionLostError('closed'))).toBe('连接已断开，请稍后再试');
    expect(errorText(zhT, new Error('boom'))).toBe('出了点问题，请重试');
    expect(loginErrorText(zhT, 'FORBIDDEN')).toBe('此账号已被停用。');
    expect(loginErrorText(zhT, 'HTTP_502')).toBe('登录失败，请重试。');
    expect(loginErrorText(zhT, 'constructor')).toBe('登录失败，请重试。');
  });

  it('says what content security found, from the label, never from the server’s message', () => {
    const zhT = translator('zh');
    const enT = translator('en');
    const refused = new ProtocolError('CONTENT_REJECTED', 'refused (crime)', undefined, 'crime');
    expect(errorText(zhT, refused)).toBe('内容未通过安全检查（违法犯罪），请修改后再发');
    expect(errorText(enT, refused)).toContain('illegal activity');
    expect(errorText(zhT, new ProtocolError('CONTENT_REJECTED', 'x'))).toBe(
      '内容未通过安全检查，请修改后再发',
    );
    expect(errorText(zhT, new ProtocolError('UNAVAILABLE', 'down', 2000))).toBe(
      '内容安全检查暂时不可用，稍后会自动重试',
    );
    expect(loginErrorText(zhT, 'CONTENT_REJECTED', 'abuse')).toBe(
      '这个昵称未通过安全检查（辱骂），请换一个。',
    );
    expect(loginErrorText(zhT, 'CONTENT_REJECTED', 'constructor')).toBe(
      '这个昵称未通过安全检查，请换一个。',
    );
  });
});
