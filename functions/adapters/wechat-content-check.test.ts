/** msgSecCheck's 2500-character limit: longer texts in overlapping parts, by code point. */
import { describe, expect, it } from 'vitest';
import { splitForCheck } from './wechat-content-check';

describe('splitForCheck', () => {
  it('keeps a text within the limit whole', () => {
    expect(splitForCheck('a'.repeat(2500))).toEqual(['a'.repeat(2500)]);
  });

  it('splits by code point, each part repeating the last 50 of the one before', () => {
    const text = '😀'.repeat(4000);
    const parts = splitForCheck(text);
    expect(parts.map((p) => [...p].length)).toEqual([2500, 1550]);
    expect([...(parts[1] as string)].slice(0, 50).join('')).toBe(
      [...(parts[0] as string)].slice(-50).join(''),
    );
  });

  it('has every window of up to 50 characters whole in some part', () => {
    const text = Array.from({ length: 6000 }, (_, i) =>
      String.fromCharCode(0x4e00 + (i % 5000)),
    ).join('');
    const parts = splitForCheck(text, 2500, 50);
    for (let start = 0; start + 50 <= text.length; start += 37) {
      const window = text.slice(start, start + 50);
      expect(parts.some((p) => p.includes(window))).toBe(true);
    }
  });
});
