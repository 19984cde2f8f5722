/**
 * The desk's inbox: a `conversations` frame with a `desk` filter (admins only) pages through the
 * support conversations of one state (and owner), longest waiting first, from the byDesk index,
 * with the counts per state. Each page reads at most DESK_PAGE_MAX_EVALUATED index items (an owner
 * filter is applied after the read), so a page costs a bounded read even when few items match.
 */
import * as v from 'valibot';
import type { ConversationsFrame } from '../../protocol/client-frames';
import { CONVERSATIONS_DEFAULT_LIMIT, MAX_CURSOR_LENGTH } from '../../protocol/limits';
import type { DeskFilter } from '../../protocol/desk';
import type { ConversationSummary } from '../../protocol/server-frames';
import type { ChatContext } from './chat-context';
import { summariesFor } from './conversation-list';
import { deskCounts } from './desk';
import { type DeskOwnerMatch, type DeskPosition, type DeskStore, deskSortOf } from './desk-ports';
import { BadRequestError, ForbiddenError } from './errors';
import { reply } from './fan-out';
import { FrameBudget } from './frame-budget';
import type { Caller } from './identity';

/** Index items one inbox page reads at most (before the owner filter). */
export const DESK_PAGE_MAX_EVALUATED = 500;

/** Replies to a `conversations` frame that carries a `desk` filter. */
export async function listDeskInbox(
  ctx: ChatContext,
  desk: DeskStore,
  caller: Caller,
  frame: ConversationsFrame & { desk: DeskFilter },
): Promise<void> {
  if (caller.role !== 'admin') throw new ForbiddenError('only staff can filter the desk inbox');
  const { state } = frame.desk;
  const ownerFilter = frame.desk.owner ?? 'all';
  const owner: DeskOwnerMatch =
    ownerFilter === 'mine'
      ? { kind: 'owner', ownerId: caller.userId }
      : ownerFilter === 'unassigned'
        ? { kind: 'none' }
        : { kind: 'any' };
  const after = frame.cursor ? decodeDeskCursor(frame.cursor, state, ownerFilter) : undefined;
  const limit = frame.limit ?? CONVERSATIONS_DEFAULT_LIMIT;
  const [page, counts] = await Promise.all([
    desk.list(state, owner, limit, DESK_PAGE_MAX_EVALUATED, after),
    deskCounts(desk),
  ]);
  const envelope = {
    type: 'conversations' as const,
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    conversations: [] as ConversationSummary[],
    deskCounts: counts,
  };
  const budget = new FrameBudget(envelope);
  const built = await summariesFor(ctx, caller, page.items);
  const summaries: ConversationSummary[] = [];
  let next: DeskPosition | undefined = page.next;
  for (const [i, summary] of built.entries()) {
    if (!budget.take(summary)) {
      const lastKept = page.items[i - 1];
      next = lastKept
        ? {
            deskSort:
              lastKept.deskSort ?? deskSortOf(lastKept.waitingSince, lastKept.lastActivityAt),
            conversationId: lastKept.conversationId,
          }
        : after;
      break;
    }
    summaries.push(summary);
  }
  await reply(ctx, caller.connectionId, {
    ...envelope,
    conversations: summaries,
    ...(next !== undefined ? { cursor: encodeDeskCursor(state, ownerFilter, next) } : {}),
  });
}

const Wire = v.strictObject({
  d: v.picklist(['open', 'claimed', 'resolved']),
  o: v.picklist(['mine', 'unassigned', 'all']),
  s: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
});

function encodeDeskCursor(state: string, owner: string, at: DeskPosition): string {
  const wire = { d: state, o: owner, s: at.deskSort, id: at.conversationId };
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

/** Where an inbox cursor resumes; BAD_REQUEST for one not ours or for another filter. */
function decodeDeskCursor(cursor: string, state: string, owner: string): DeskPosition {
  let wire: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error();
    wire = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('cursor is not one this server issued');
  }
  const parsed = v.safeParse(Wire, wire);
  if (!parsed.success || parsed.output.d !== state || parsed.output.o !== owner) {
    throw new BadRequestError('cursor is not one this server issued for this filter');
  }
  return { deskSort: parsed.output.s, conversationId: parsed.output.id };
}
