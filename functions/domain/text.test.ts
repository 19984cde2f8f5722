import { describe, expect, it } from 'vitest';
import { BadRequestError, TooLargeError } from './errors';
import {
  codePointLength,
  truncateCodePoints,
  validateDisplayName,
  validateMessageText,
  validateRoomTitle,
} from './text';

describe('message text', () => {
  it('keeps text exactly as sent, markup, marks and surrounding space included', () => {
    const text = '  <img src=x onerror="alert(1)"> \u200f\u05e9\u05dc\u05d5\u05dd \u200b\n\t ';

    expect(validateMessageText(text)).toBe(text);
  });

  it('counts code points, so 4000 emoji fit and 4001 do not', () => {
    const emoji = '😀';

    expect(codePointLength(emoji.repeat(4000))).toBe(4000);
    expect(validateMessageText(emoji.repeat(4000))).toHaveLength(8000);
    expect(() => validateMessageText(emoji.repeat(4000) + 'a')).toThrow(TooLargeError);
  });

  it('refuses blank text and unpaired surrogates as bad requests', () => {
    expect(() => validateMessageText(' \n\t\u3000')).toThrow(BadRequestError);
    expect(() => validateMessageText('a\ud800')).toThrow(BadRequestError);
    expect(() => validateMessageText('\udc00b')).toThrow(BadRequestError);
  });

  it('refuses control characters other than newline and tab, and bidi overrides and isolates', () => {
    for (const bad of [
      '\u0001',
      '\r',
      '\u001b[31m',
      '\u007f',
      '\u0085',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
    ]) {
      expect(() => validateMessageText(`ok ${bad} ok`), JSON.stringify(bad)).toThrow(
        BadRequestError,
      );
    }
  });

  it('refuses texts that only look blank: zero-width spaces, Braille blanks, Hangul fillers', () => {
    for (const blank of ['\u200b', '\u200b\u200b \u200d', '\u2800\u2800', '\u3164', '\ufeff']) {
      expect(() => validateMessageText(blank), JSON.stringify(blank)).toThrow(BadRequestError);
    }
  });
});

describe('titles and names', () => {
  it('trims room titles and limits them to 80 characters', () => {
    expect(validateRoomTitle('  Library 3F ')).toBe('Library 3F');
    expect(() => validateRoomTitle('x'.repeat(81))).toThrow(TooLargeError);
    expect(() => validateRoomTitle('   ')).toThrow(BadRequestError);
  });

  it('applies the same character rules to room titles and display names', () => {
    for (const bad of ['A\u202eB', 'A\u0000B', '\u2800', '\u200b ']) {
      expect(() => validateRoomTitle(bad), JSON.stringify(bad)).toThrow(BadRequestError);
      expect(() => validateDisplayName(bad, [], 'student'), JSON.stringify(bad)).toThrow(
        BadRequestError,
      );
    }
  });

  it('trims display names and limits them to 32 characters', () => {
    expect(validateDisplayName(' Anna ', [], 'student')).toBe('Anna');
    expect(validateDisplayName('名'.repeat(32), [], 'student')).toBe('名'.repeat(32));
    expect(() => validateDisplayName('名'.repeat(33), [], 'student')).toThrow(TooLargeError);
  });

  it('keeps a student from taking the desk title, however it is spaced or cased', () => {
    const reserved = ['Study-room desk'];
    for (const name of [
      'Study-room desk',
      'study room desk',
      'STUDY-ROOM DESK',
      'Studyroom\u00a0Desk',
    ]) {
      expect(() => validateDisplayName(name, reserved, 'student'), name).toThrow(BadRequestError);
    }
    expect(validateDisplayName('Study-room desk', reserved, 'admin')).toBe('Study-room desk');
    expect(validateDisplayName('Study buddy', reserved, 'student')).toBe('Study buddy');
  });

  it('truncates without splitting a surrogate pair', () => {
    expect(truncateCodePoints('a😀b', 2)).toBe('a😀');
  });
});
