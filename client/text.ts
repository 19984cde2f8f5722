/**
 * The text rules (functions/protocol/text-rules.ts, shared with the server), as the clients use
 * them. A draft is cleaned of forbidden characters (controls, bidi overrides) before it is sent,
 * so `messageTextProblem` judges a draft as it will be sent: a pasted invisible control never makes
 * a message unsendable, and the server never sees one.
 */
import {
  messageTextProblem as sentTextProblem,
  stripForbiddenCharacters,
  type TextProblem,
} from '../functions/protocol/text-rules';

export {
  codePointLength,
  looksBlank,
  stripForbiddenCharacters,
  textProblem,
  type TextProblem,
  truncateCodePoints,
} from '../functions/protocol/text-rules';

/** The text a draft is sent as: without the characters the server refuses. */
export function outgoingText(draft: string): string {
  return stripForbiddenCharacters(draft);
}

/** Why a draft cannot be sent (judged as it will be sent), or undefined when it can. */
export function messageTextProblem(draft: string): TextProblem | undefined {
  return sentTextProblem(outgoingText(draft));
}
