import { describe, expect, it } from 'vitest';
import {
  MAX_CONVERSATION_ID_LENGTH,
  MAX_FRAME_BYTES,
  MAX_FRAME_ID_LENGTH,
  MAX_TEXT_CHARS,
} from './limits';

/** The largest sendmessage frame a client writes with JSON.stringify when every field escapes worst. */
function worstSend(unit: string): string {
  return JSON.stringify({
    action: 'sendmessage',
    id: '\u0001'.repeat(MAX_FRAME_ID_LENGTH),
    conversationId: '\u0001'.repeat(MAX_CONVERSATION_ID_LENGTH),
    text: unit.repeat(MAX_TEXT_CHARS),
  });
}

describe('frame limits', () => {
  it('fits the largest valid sendmessage in one API Gateway frame, whatever the text', () => {
    // Per code point JSON.stringify writes at most 6 bytes: a C0 control or a lone surrogate as
    // \uXXXX; an astral character is 4 raw UTF-8 bytes; a quote or backslash 2.
    const units = ['\u0001', '\ud800', '😀', '"', '\\', '中', 'x'];
    const sizes = units.map((unit) => Buffer.byteLength(worstSend(unit)));

    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(Math.max(...sizes)).toBeGreaterThan(MAX_TEXT_CHARS * 6);
  });
});
