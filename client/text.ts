/**
 * Client-side checks of message text, mirroring the server's rules (docs/protocol.md): 1–4000
 * Unicode code points, not blank, no unpaired surrogates. Written without ES2024 string methods so
 * it runs on WeChat's JavaScript engines.
 */
import { MAX_TEXT_CHARS } from '../functions/protocol/limits';

/** Number of Unicode code points (an emoji outside the BMP counts once). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** The first `max` code points of a string (never cuts a surrogate pair in half). */
export function truncateCodePoints(text: string, max: number): string {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (count === max) return text.slice(0, i);
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return text;
}

function hasUnpairedSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) return true;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return true;
    }
  }
  return false;
}

export type TextProblem = 'empty' | 'tooLong' | 'malformed';

/** Why a text cannot be sent, or undefined when it can. */
export function messageTextProblem(text: string): TextProblem | undefined {
  if (hasUnpairedSurrogate(text)) return 'malformed';
  if (text.trim().length === 0) return 'empty';
  if (codePointLength(text) > MAX_TEXT_CHARS) return 'tooLong';
  return undefined;
}
