import { describe, expect, it } from 'vitest';
import { sendFailure } from '../adapters/wechat-subscribe-message';
import { cutChars, phraseValue, thingValue, timeValue, validFieldValue } from './subscribe-fields';

describe('subscribe-message field values', () => {
  it('cuts a thing to 20 characters counted as code points, controls replaced', () => {
    const long = '😀'.repeat(30);
    expect([...thingValue(long)]).toHaveLength(20);
    expect(thingValue(long).endsWith('…')).toBe(true);
    expect(thingValue('第一行\n第二行')).toBe('第一行 第二行');
    expect(thingValue('   ')).toBe('…');
    expect(cutChars('短', 20)).toBe('短');
    expect(validFieldValue('thing2', thingValue(long))).toBe(true);
    expect(validFieldValue('thing2', 'x'.repeat(21))).toBe(false);
  });

  it('writes time as WeChat documents it, in the campus time zone', () => {
    const at = new Date('2026-12-01T16:05:00Z');
    expect(timeValue(at, 'Asia/Shanghai')).toBe('2026年12月2日 00:05');
    expect(validFieldValue('time3', timeValue(at, 'Asia/Shanghai'))).toBe(true);
    expect(validFieldValue('time3', '2026-12-02 00:05')).toBe(false);
  });

  it('keeps a phrase only when it is at most 5 Han characters', () => {
    expect(phraseValue('已回复', '新消息')).toBe('已回复');
    expect(phraseValue('replied', '新消息')).toBe('新消息');
    expect(phraseValue('服务台已经回复', '新消息')).toBe('新消息');
    expect(validFieldValue('phrase4', 'ok')).toBe(false);
  });
});

describe('subscribeMessage.send errors', () => {
  const failure = (reason: string, errcode?: number) => ({
    name: 'WeChatApiError',
    reason,
    errcode,
  });

  it('maps the documented errcodes to what the notifier does', () => {
    expect(sendFailure(failure('rejected', 43101))).toEqual({ kind: 'noSubscription' });
    for (const code of [47003, 40003, 40037, 41030])
      expect(sendFailure(failure('rejected', code))).toEqual({ kind: 'refused', errcode: code });
    expect(sendFailure(failure('quota', 45009))).toEqual({ kind: 'refused', errcode: 45009 });
    expect(sendFailure(failure('tokenInvalid', 40001))).toEqual({
      kind: 'unavailable',
      errcode: 40001,
    });
    expect(sendFailure(failure('unavailable'))).toEqual({ kind: 'unavailable' });
    expect(sendFailure(new Error('socket hang up'))).toEqual({ kind: 'unavailable' });
  });
});
