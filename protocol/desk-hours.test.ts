/**
 * DESK_HOURS: what the configuration accepts and refuses, which instants are within the hours on
 * the campus clock, and the words both clients show (client/auto-reply-text.ts).
 */
import { describe, expect, it } from 'vitest';
import { autoReplyText, deskHoursText } from '../client/auto-reply-text';
import { translator } from '../client/i18n/translator';
import { readConfig } from '../functions/config';
import { parseDeskHours, withinDeskHours } from './desk-hours';

const HOURS = parseDeskHours('Mon-Fri 08:30-17:30; Sat 09:00-12:00');

describe('parseDeskHours', () => {
  it('reads day ranges, single days and several rules', () => {
    expect(HOURS).toEqual([
      { from: 0, to: 4, start: '08:30', end: '17:30' },
      { from: 5, to: 5, start: '09:00', end: '12:00' },
    ]);
    expect(parseDeskHours(' sun 10:00-24:00 ;')).toEqual([
      { from: 6, to: 6, start: '10:00', end: '24:00' },
    ]);
  });

  it.each([
    ['', 'no rules'],
    ['Mon-Fri', 'must be like'],
    ['Mon-Fri 8:30-17:30', 'must be like'],
    ['Sun-Sat 09:00-12:00', 'must be like'],
    ['Mon-Fri 17:30-08:30', 'must be like'],
    ['Mon-Fri 08:30-25:00', 'must be like'],
    ['Lun 08:30-17:30', 'must be like'],
  ])('refuses %j', (raw, message) => {
    expect(() => parseDeskHours(raw)).toThrow(message);
  });

  it('is read and validated once with the configuration; `off` turns the reply off', () => {
    expect(readConfig({}).notify.deskHours).toEqual(parseDeskHours('Mon-Fri 08:30-17:30'));
    expect(readConfig({ DESK_HOURS: 'off' }).notify.deskHours).toBeUndefined();
    expect(() => readConfig({ DESK_HOURS: 'weekdays' })).toThrow('DESK_HOURS rule "weekdays"');
  });
});

describe('withinDeskHours', () => {
  // 2026-12-02 is a Wednesday; Shanghai is UTC+8 all year.
  it.each([
    ['2026-12-02T00:30:00Z', true], // Wed 08:30 in Shanghai: opening minute
    ['2026-12-02T00:29:00Z', false],
    ['2026-12-02T09:29:00Z', true],
    ['2026-12-02T09:30:00Z', false], // Wed 17:30: closed (the end is exclusive)
    ['2026-12-05T02:00:00Z', true], // Sat 10:00
    ['2026-12-05T05:00:00Z', false], // Sat 13:00
    ['2026-12-06T02:00:00Z', false], // Sun
  ])('%s in Asia/Shanghai → %s', (at, inside) => {
    expect(withinDeskHours(HOURS, new Date(at), 'Asia/Shanghai')).toBe(inside);
  });
});

describe('the automatic reply text', () => {
  it('states the hours and whether the desk is closed, in both languages', () => {
    const zh = translator('zh');
    expect(deskHoursText(zh, HOURS)).toBe('周一至周五 08:30–17:30；周六 09:00–12:00');
    expect(autoReplyText(zh, { reason: 'deskAway', withinHours: false, hours: HOURS })).toBe(
      '服务台现在不在线。服务时间：周一至周五 08:30–17:30；周六 09:00–12:00。我们上线后会尽快回复你。',
    );
    expect(autoReplyText(zh, { reason: 'deskAway', withinHours: true, hours: HOURS })).toContain(
      '服务台暂时无人在线',
    );
    expect(
      autoReplyText(translator('en'), { reason: 'deskAway', withinHours: false, hours: HOURS }),
    ).toBe(
      'The desk is closed now. Service hours: Mon–Fri 08:30–17:30; Sat 09:00–12:00. We will reply as soon as we are back.',
    );
  });
});
