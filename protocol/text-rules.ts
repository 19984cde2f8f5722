/**
 * What user-written text may contain (docs/protocol.md "Text rules"), declared once for the server
 * and both clients: message text, room titles and display names follow the same rules. The server
 * refuses text that breaks them (it never changes what a user wrote); clients remove forbidden
 * characters from input with `stripForbiddenCharacters` before sending, so an invisible control
 * pasted into a message does not make it unsendable.
 *
 * Written without ES2024 string methods or regex `u`/`v` flags beyond ES2018 so it runs on
 * WeChat's JavaScript engines. Counting is in Unicode code points (an emoji counts once).
 */
import { MAX_DISPLAY_NAME_CHARS, MAX_ROOM_TITLE_CHARS, MAX_TEXT_CHARS } from './limits';

/** Why a text cannot be used. */
export type TextProblem =
  /** Nothing visible: empty, only whitespace or only invisible characters. */
  | 'empty'
  /** Over the length limit of its kind. */
  | 'tooLong'
  /** Holds an unpaired surrogate, which UTF-8 (and DynamoDB) cannot store. */
  | 'malformed'
  /** Holds a control character (other than newline and tab) or a bidi override/isolate. */
  | 'forbiddenCharacter'
  /** A student's display name that reads as the desk's. */
  | 'reserved';

export type TextKind = 'message' | 'roomTitle' | 'displayName';

/** The longest text of each kind, in code points. */
export const MAX_CHARS: Readonly<Record<TextKind, number>> = {
  message: MAX_TEXT_CHARS,
  roomTitle: MAX_ROOM_TITLE_CHARS,
  displayName: MAX_DISPLAY_NAME_CHARS,
};

/**
 * Characters refused in every kind of text: C0 controls except tab (U+0009) and newline (U+000A),
 * DEL and the C1 controls (U+007F–U+009F), and the bidi embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which can make a message display as something else
 * ("Trojan Source"). The implicit marks U+200E/U+200F stay allowed: Hebrew and Arabic need them.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_ALL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Characters that show nothing: whitespace (JavaScript's `\s`, which covers U+3000 and U+FEFF),
 * zero-width space/joiners and word joiner (U+200B–U+200D, U+2060), the Braille blank (U+2800),
 * the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) and the implicit direction marks. A text made
 * only of these looks blank and is refused as empty.
 */
const INVISIBLE = /^[\s\u200b-\u200f\u2060\u2800\u115f\u1160\u3164\uffa0]*$/;

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

/** Whether a string holds a surrogate without its partner. */
export function hasUnpairedSurrogate(text: string): boolean {
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

/** Whether a string holds a character that no text may contain (see FORBIDDEN). */
export function hasForbiddenCharacter(text: string): boolean {
  return FORBIDDEN.test(text);
}

/** The text without the characters no text may contain (for clients, before sending input). */
export function stripForbiddenCharacters(text: string): string {
  return text.replace(FORBIDDEN_ALL, '');
}

/** Whether a text shows nothing at all (empty, whitespace or invisible characters only). */
export function looksBlank(text: string): boolean {
  return INVISIBLE.test(text);
}

/**
 * The form two display names are compared in to tell whether one reads as the other: lower case,
 * without whitespace, invisible characters or punctuation that only separates words.
 */
function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u200b-\u200f\u2060\u2800\u115f\u1160\u3164\uffa0\-_.·・]/g, '');
}

/** Whether `name` reads as one of `reserved` (e.g. the desk's title). */
export function isReservedName(name: string, reserved: readonly string[]): boolean {
  const key = nameKey(name);
  return key.length > 0 && reserved.some((r) => nameKey(r) === key);
}

/**
 * Why `text` cannot be used as `kind`, or undefined when it can. Room titles and display names are
 * checked as they will be stored, i.e. after trimming; message text exactly as sent. `reserved`
 * lists names a student may not take (display names only).
 */
export function textProblem(
  text: string,
  kind: TextKind,
  reserved: readonly string[] = [],
): TextProblem | undefined {
  if (hasUnpairedSurrogate(text)) return 'malformed';
  if (hasForbiddenCharacter(text)) return 'forbiddenCharacter';
  if (looksBlank(text)) return 'empty';
  const stored = kind === 'message' ? text : text.trim();
  if (codePointLength(stored) > MAX_CHARS[kind]) return 'tooLong';
  if (kind === 'displayName' && isReservedName(stored, reserved)) return 'reserved';
  return undefined;
}

/** Why a message text cannot be sent, or undefined when it can. */
export function messageTextProblem(text: string): TextProblem | undefined {
  return textProblem(text, 'message');
}
