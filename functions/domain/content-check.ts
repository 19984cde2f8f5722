/**
 * What the product does with content security's verdict on a user's text, before it is stored
 * (docs/protocol.md "Content security"):
 *
 * - `pass`: stored.
 * - `risky`: refused with CONTENT_REJECTED and the label; nothing is stored or delivered.
 * - `review` ("may be a problem, a person should look"): a student's message in their **support**
 *   conversation is stored and delivered — its only other readers are the desk, the people who
 *   would review it; in a **room** (other students read it), from the desk to a student, and for
 *   display names and room titles (everyone sees them), it is refused like `risky`. Both are
 *   logged with WeChat's trace id for the desk.
 * - no verdict (WeChat down, quota spent): fail closed — UNAVAILABLE with `retryAfterMs`, which the
 *   client outbox retries with the same id; nothing unchecked is ever stored.
 */
import type { Caller } from './identity';
import { ContentRejectedError } from './errors';
import type { ContentChecker, ContentKind, Log } from './ports';

/** Where a text will be read: decides what `review` does. */
export type ContentAudience = 'desk' | 'everyone';

const WHAT: Record<ContentKind, string> = {
  message: 'message',
  displayName: 'name',
  roomTitle: 'room title',
};

/**
 * Resolves when `text` may be stored; throws ContentRejectedError (risky, or review for
 * `everyone`) or UnavailableError (no verdict).
 */
export async function admitContent(
  deps: { readonly content: ContentChecker; readonly log: Log },
  text: string,
  kind: ContentKind,
  author: Pick<Caller, 'userId'>,
  audience: ContentAudience,
): Promise<void> {
  const verdict = await deps.content.check(text, kind, author.userId);
  if (verdict.suggest === 'pass') return;
  const held = verdict.suggest === 'risky' || audience === 'everyone';
  // No text in the log: only who, what kind, the verdict and WeChat's trace ids.
  deps.log.warn(held ? 'content refused' : 'content flagged for review', {
    kind,
    userId: author.userId,
    suggest: verdict.suggest,
    label: verdict.label,
    traceIds: verdict.traceIds,
  });
  if (held) {
    throw new ContentRejectedError(
      `the ${WHAT[kind]} was refused by content security (${verdict.label})`,
      verdict.label,
    );
  }
}
