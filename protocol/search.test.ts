import { describe, expect, it } from 'vitest';
import { foldSearchText, normalizeSearchText } from './search';

describe('search text folding', () => {
  it('folds width and case, collapses and trims whitespace', () => {
    expect(normalizeSearchText('  ＲＯＯＭ\t\n B２  ')).toBe('room b2');
    expect(normalizeSearchText('我想预约三楼')).toBe('我想预约三楼');
    // Half-width katakana fold to full width (NFKC).
    expect(normalizeSearchText('ｶﾀｶﾅ')).toBe('カタカナ');
  });

  it('maps every folded unit back to the code point it came from', () => {
    // ﬁ (one code point) folds to "fi" (two units); 😀 is two UTF-16 units of one code point.
    const { folded, origin } = foldSearchText('a ﬁ  😀X');
    expect(folded).toBe('a fi 😀x');
    expect(origin).toEqual([0, 1, 2, 2, 3, 5, 5, 6]);
  });

  it('drops the trailing space so the map stays the folded length', () => {
    const { folded, origin } = foldSearchText('预约 \n');
    expect(folded).toBe('预约');
    expect(origin).toHaveLength(folded.length);
  });
});
