/**
 * Checks of user-written text. Counting is in Unicode code points, so an emoji outside the BMP
 * counts as one character, as a person would count it. Text is stored exactly as sent (no
 * trimming, no escaping); clients render it as text.
 */
import { MAX_DISPLAY_NAME_CHARS, MAX_ROOM_TITLE_CHARS, MAX_TEXT_CHARS } from '../protocol/limits';
import { BadRequestError, TooLargeError } from './errors';

/** Number of Unicode code points in a string. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The first `max` code points of a string. */
export function truncateCodePoints(text: string, max: number): string {
  let out = '';
  let count = 0;
  for (const ch of text) {
    if (count++ === max) break;
    out += ch;
  }
  return out;
}

function requireWellFormed(text: string, what: string): void {
  // A lone surrogate cannot be stored as UTF-8; accepting it would store something else.
  if (!text.isWellFormed()) throw new BadRequestError(`${what} contains an unpaired surrogate`);
}

/** A message text as sent, or BAD_REQUEST (blank, malformed) / TOO_LARGE (over 4000 characters). */
export function validateMessageText(text: string): string {
  requireWellFormed(text, 'text');
  if (text.trim().length === 0) throw new BadRequestError('text is empty');
  const length = codePointLength(text);
  if (length > MAX_TEXT_CHARS) {
    throw new TooLargeError(`text has ${length} characters; the limit is ${MAX_TEXT_CHARS}`);
  }
  return text;
}

/** A trimmed room title, or BAD_REQUEST / TOO_LARGE. */
export function validateRoomTitle(title: string): string {
  requireWellFormed(title, 'title');
  const trimmed = title.trim();
  if (trimmed.length === 0) throw new BadRequestError('title is empty');
  if (codePointLength(trimmed) > MAX_ROOM_TITLE_CHARS) {
    throw new TooLargeError(`title is longer than ${MAX_ROOM_TITLE_CHARS} characters`);
  }
  return trimmed;
}

/** A trimmed display name without control characters, or undefined when none is usable. */
export function normalizeDisplayName(name: unknown): string | undefined {
  if (typeof name !== 'string' || !name.isWellFormed()) return undefined;
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const cleaned = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (cleaned.length === 0) return undefined;
  return truncateCodePoints(cleaned, MAX_DISPLAY_NAME_CHARS);
}
