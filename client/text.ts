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

/** Whether a code point is shown two columns wide (CJK, Hangul, full-width forms, emoji). */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x1f000
  );
}

/** Display columns of a text: a hanzi or an emoji counts 2, a Latin letter 1. */
export function displayWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = (code - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
        i++;
      }
    }
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

/**
 * The text cut to at most `columns` display columns, ending in `…` when cut; never cuts a
 * character or a surrogate pair in half.
 */
export function truncateWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  const budget = columns - 1; // room for the ellipsis
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const start = i;
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = (code - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000;
        i++;
      }
    }
    width += isWide(code) ? 2 : 1;
    if (width > budget) return `${text.slice(0, start)}…`;
  }
  return text;
}
