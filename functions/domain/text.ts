/**
 * The text rules of protocol/text-rules.ts as domain errors: BAD_REQUEST or TOO_LARGE.
 * Text is stored exactly as sent (message text) or trimmed (titles, names); it is never otherwise
 * changed, only accepted or refused. Clients render it as text.
 */
import { MAX_CHARS, type TextKind, type TextProblem, textProblem } from '../../protocol/text-rules';
import { BadRequestError, TooLargeError } from './errors';

export { codePointLength, truncateCodePoints } from '../../protocol/text-rules';

const WHAT: Record<TextKind, string> = {
  message: 'text',
  roomTitle: 'title',
  displayName: 'name',
};

function refuse(kind: TextKind, problem: TextProblem): never {
  const what = WHAT[kind];
  switch (problem) {
    case 'tooLong':
      throw new TooLargeError(`${what} is longer than ${MAX_CHARS[kind]} characters`);
    case 'malformed':
      throw new BadRequestError(`${what} contains an unpaired surrogate`);
    case 'forbiddenCharacter':
      throw new BadRequestError(
        `${what} contains a control character or a bidi override (U+202A-202E, U+2066-2069)`,
      );
    case 'empty':
      throw new BadRequestError(`${what} is empty`);
    case 'reserved':
      throw new BadRequestError(`${what} is reserved for the desk`);
  }
}

/** A message text as sent, or BAD_REQUEST (blank, malformed, forbidden character) / TOO_LARGE. */
export function validateMessageText(text: string): string {
  const problem = textProblem(text, 'message');
  if (problem) refuse('message', problem);
  return text;
}

/** A trimmed room title, or BAD_REQUEST / TOO_LARGE. */
export function validateRoomTitle(title: string): string {
  const problem = textProblem(title, 'roomTitle');
  if (problem) refuse('roomTitle', problem);
  return title.trim();
}

/**
 * A trimmed display name, or BAD_REQUEST / TOO_LARGE. A student may not take a name that reads as
 * one in `reserved` (the desk's title); admins may.
 */
export function validateDisplayName(
  name: string,
  reserved: readonly string[],
  role: 'student' | 'admin',
): string {
  const problem = textProblem(name, 'displayName', role === 'student' ? reserved : []);
  if (problem) refuse('displayName', problem);
  return name.trim();
}
