/**
 * The text rules (protocol/text-rules.ts, shared with the server), as the clients use
 * them. A draft is cleaned of forbidden characters (controls, bidi overrides) before it is sent,
 * so `messageTextProblem` judges a draft as it will be sent: a pasted invisible control never makes
 * a message unsendable, and the server never sees one.
 */
import {
  messageTextProblem as sentTextProblem,
  stripForbiddenCharacters,
  type TextProblem,
} from '../protocol/text-rules';

export {
  codePointLength,
  looksBlank,
  stripForbiddenCharacters,
  textProblem,
  type TextProblem,
  truncateCodePoints,
} from '../protocol/text-rules';

/** The text a draft is sent as: without the characters the server refuses. */
export function outgoingText(draft: string): string {
  return stripForbiddenCharacters(draft);
}

/** Why a draft cannot be sent (judged as it will be sent), or undefined when it can. */
export function messageTextProblem(draft: string): TextProblem | undefined {
  return sentTextProblem(outgoingText(draft));
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

/** Columns one character (a code point, as string iteration yields it) takes on screen. */
function charWidth(char: string): number {
  return isWide(char.codePointAt(0) ?? 0) ? 2 : 1;
}

/** Display columns of a text: a hanzi or an emoji counts 2, a Latin letter 1. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/**
 * The text cut to at most `columns` display columns, ending in `…` when cut; never cuts a
 * character or a surrogate pair in half (string iteration yields whole code points).
 */
export function truncateWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  const budget = columns - 1; // room for the ellipsis
  let width = 0;
  let end = 0;
  for (const char of text) {
    width += charWidth(char);
    if (width > budget) return `${text.slice(0, end)}…`;
    end += char.length;
  }
  return text;
}
