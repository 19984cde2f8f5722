import { describe, expect, it } from 'vitest';
import { BadRequestError, TooLargeError } from './errors';
import {
  codePointLength,
  normalizeDisplayName,
  truncateCodePoints,
  validateMessageText,
  validateRoomTitle,
} from './text';

describe('message text', () => {
  it('keeps text exactly as sent, markup and surrounding space included', () => {
    const text = '  <img src=x onerror="alert(1)"> \u200f\u05e9\u05dc\u05d5\u05dd \u200b ';

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
});

describe('titles and names', () => {
  it('trims room titles and limits them to 80 characters', () => {
    expect(validateRoomTitle('  Library 3F ')).toBe('Library 3F');
    expect(() => validateRoomTitle('x'.repeat(81))).toThrow(TooLargeError);
    expect(() => validateRoomTitle('   ')).toThrow(BadRequestError);
  });

  it('cleans display names of control characters and cuts them at 32 characters', () => {
    expect(normalizeDisplayName(' Ann\u0000a\n ')).toBe('Anna');
    expect(normalizeDisplayName('名'.repeat(40))).toBe('名'.repeat(32));
    expect(normalizeDisplayName('\u0007')).toBeUndefined();
    expect(normalizeDisplayName(42)).toBeUndefined();
  });

  it('truncates without splitting a surrogate pair', () => {
    expect(truncateCodePoints('a😀b', 2)).toBe('a😀');
  });
});
