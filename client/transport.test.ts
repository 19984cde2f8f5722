/** What a client may put in a close frame (RFC 6455), shared by the wx and browser transports. */
import { describe, expect, it } from 'vitest';
import { clientCloseCode, clientCloseReason, MAX_CLOSE_REASON_BYTES } from './transport';

describe('close frames a client may send', () => {
  it('keeps 1000 and 3000–4999 and turns every other code into 1000', () => {
    expect([1000, 3000, 4999].map(clientCloseCode)).toEqual([1000, 3000, 4999]);
    expect([1001, 1006, 1011, 2999, 5000].map(clientCloseCode)).toEqual([
      1000, 1000, 1000, 1000, 1000,
    ]);
  });

  it('cuts a reason to 123 bytes of UTF-8 without splitting a character', () => {
    // Prepare: 3-byte characters and a 4-byte emoji straddling the limit.
    const ascii = 'a'.repeat(200);
    const chinese = '断开'.repeat(30);
    const emoji = `${'b'.repeat(121)}😀tail`;

    // Act
    const cut = [ascii, chinese, emoji, 'short'].map(clientCloseReason);

    // Assess
    const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
    expect(cut[0]).toBe('a'.repeat(123));
    expect(bytes(cut[1] as string)).toBe(123);
    expect(cut[1]).toBe('断开'.repeat(20) + '断');
    expect(cut[2]).toBe('b'.repeat(121));
    expect(cut[3]).toBe('short');
    for (const c of cut) expect(bytes(c)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
  });
});
