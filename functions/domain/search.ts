/**
 * search: a bounded scan of the history the caller may read, newest first (docs/protocol.md
 * "Search"; why a scan and not an index: docs/benchmarks.md "Search"). One request reads at most
 * SEARCH_SCAN_BUDGET messages in at most SEARCH_QUERY_BUDGET history queries and returns at most
 * `limit` results; a cursor resumes the scan.
 * Access is the same as `sync`: a student scans only their own support conversation and the rooms
 * they are a member of (checked on the member items, read consistently); staff scan every support
 * conversation and the rooms they joined. Taken-down messages have no text left and never match.
 */
import {
  foldSearchText,
  MAX_SEARCH_CHARS,
  MIN_SEARCH_CHARS,
  normalizeSearchText,
  SEARCH_DEFAULT_LIMIT,
  SEARCH_QUERY_BUDGET,
  SEARCH_SCAN_BUDGET,
  SEARCH_SNIPPET_CONTEXT,
  type SearchFrame,
  type SearchResult,
} from '../../protocol/search';
import type { ChatMessage } from '../../protocol/server-frames';
import { authorizeParticipant, requireConversationId } from './access';
import type { ChatContext } from './chat-context';
import { parseConversationId, supportConversationId } from './conversation-ids';
import { BadRequestError } from './errors';
import { reply } from './fan-out';
import type { Caller } from './identity';
import type { ConversationRecord, ListPosition } from './ports';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  queryTag,
  type SearchPhase,
} from './search-cursor';
import type { SearchCursor } from './search-cursor';
import { summarize } from './summaries';

/** Messages read per history query (one DynamoDB Query, well under its 1 MB page). */
const SCAN_PAGE = 200;
/** Support conversations listed per byKind query. */
const LIST_PAGE = 50;
/** Conversations read per BatchGet in the `mine` phase. */
const MINE_CHUNK = 100;

/** A conversation to scan, and where in its history to start (below `before`). */
interface Target {
  readonly phase: SearchPhase;
  readonly conversation: ConversationRecord;
  readonly before: number;
}

/** Replies with a `searchresults` page. */
export async function searchMessages(
  ctx: ChatContext,
  caller: Caller,
  frame: SearchFrame,
  scanBudget: number = SEARCH_SCAN_BUDGET,
): Promise<void> {
  const query = normalizeSearchText(frame.query);
  const length = Array.from(query).length;
  if (length < MIN_SEARCH_CHARS || length > MAX_SEARCH_CHARS) {
    throw new BadRequestError(
      `query must be ${MIN_SEARCH_CHARS} to ${MAX_SEARCH_CHARS} characters after normalisation`,
    );
  }
  const start = frame.cursor ? decodeSearchCursor(frame.cursor, query) : undefined;
  if (start && (start.phase === 'one') !== (frame.conversationId !== undefined)) {
    throw new BadRequestError('cursor is not one this server issued for this search');
  }
  if (start?.phase === 'one' && start.conversationId !== frame.conversationId) {
    throw new BadRequestError('cursor is not one this server issued for this search');
  }
  if (start?.phase === 'support' && caller.role !== 'admin') {
    throw new BadRequestError('cursor is not one this server issued for this search');
  }
  const limit = frame.limit ?? SEARCH_DEFAULT_LIMIT;
  const results: SearchResult[] = [];
  let scanned = 0;
  let queries = 0;
  const spent = () => scanned >= scanBudget || queries >= SEARCH_QUERY_BUDGET;
  let stoppedAt: SearchCursor | undefined;

  for await (const target of targets(ctx, caller, frame.conversationId, start)) {
    const { conversation } = target;
    const title = summarize(conversation, undefined, caller, ctx.config).title;
    let before = target.before;
    let done = before <= 1;
    while (!done && !spent() && results.length < limit) {
      const page = await ctx.messages.list(conversation.conversationId, {
        after: 0,
        before,
        limit: Math.min(SCAN_PAGE, scanBudget - scanned),
        newest: true,
      });
      queries += 1;
      scanned += page.messages.length;
      const newestFirst = [...page.messages].reverse();
      let cutShort = false;
      for (const [i, message] of newestFirst.entries()) {
        before = message.seq;
        const found = match(message, query, title);
        if (found) results.push(found);
        if (results.length === limit) {
          cutShort = i < newestFirst.length - 1;
          break;
        }
      }
      if (!cutShort && !page.hasMore) done = true;
    }
    if (spent() || results.length >= limit) {
      stoppedAt = {
        phase: target.phase,
        conversationId: conversation.conversationId,
        lastActivityAt: conversation.lastActivityAt,
        // A conversation scanned to its first message: the next page starts with the one after.
        before: done ? 1 : before,
        query: queryTag(query),
      };
      break;
    }
  }
  await reply(ctx, caller.connectionId, {
    type: 'searchresults',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    query,
    results,
    scanned,
    ...(stoppedAt ? { cursor: encodeSearchCursor(stoppedAt) } : {}),
  });
}

/** The result for `message` if its text contains `query` (tombstones and automatic replies never). */
function match(message: ChatMessage, query: string, title: string): SearchResult | undefined {
  if (message.recalled !== undefined || message.kind === 'auto' || message.text === '') return;
  const { folded, origin } = foldSearchText(message.text);
  const at = folded.indexOf(query);
  if (at < 0) return;
  const chars = Array.from(message.text);
  const first = origin[at] ?? 0;
  const last = (origin[at + query.length - 1] ?? first) + 1;
  const from = Math.max(0, first - SEARCH_SNIPPET_CONTEXT);
  const to = Math.min(chars.length, last + SEARCH_SNIPPET_CONTEXT);
  return {
    conversationId: message.conversationId,
    conversationTitle: title,
    seq: message.seq,
    senderName: message.senderName,
    snippet: chars.slice(from, to).join(''),
    matchStart: first - from,
    matchLength: last - first,
    sentAt: message.sentAt,
  };
}

/**
 * The conversations the caller may read, in scan order, from the cursor on: one named
 * conversation; or (staff) every support conversation, newest activity first, then their rooms;
 * or (students) their own support conversation and rooms.
 */
async function* targets(
  ctx: ChatContext,
  caller: Caller,
  conversationId: string | undefined,
  start: SearchCursor | undefined,
): AsyncGenerator<Target> {
  if (conversationId !== undefined) {
    const target = requireConversationId(conversationId);
    const { conversation, member } = await ctx.conversations.getWithMember(
      target.id,
      caller.userId,
    );
    authorizeParticipant(caller, target, conversation, member);
    if (conversation) {
      yield { phase: 'one', conversation, before: start?.before ?? conversation.lastSeq + 1 };
    }
    return;
  }
  if (caller.role === 'admin' && (start === undefined || start.phase === 'support')) {
    yield* supportTargets(ctx, start);
  }
  yield* mineTargets(ctx, caller, start?.phase === 'mine' ? start : undefined);
}

/** Every support conversation, newest activity first, resuming inside the cursor's one. */
async function* supportTargets(
  ctx: ChatContext,
  start: SearchCursor | undefined,
): AsyncGenerator<Target> {
  let after: ListPosition | undefined;
  if (start) {
    const resumed = await ctx.conversations.get(start.conversationId);
    if (resumed?.kind === 'support') {
      yield { phase: 'support', conversation: resumed, before: start.before };
    }
    after = { lastActivityAt: start.lastActivityAt, conversationId: start.conversationId };
  }
  for (;;) {
    const page = await ctx.conversations.listByKind('support', LIST_PAGE, after);
    for (const conversation of page.items) {
      yield { phase: 'support', conversation, before: conversation.lastSeq + 1 };
      after = {
        lastActivityAt: conversation.lastActivityAt,
        conversationId: conversation.conversationId,
      };
    }
    if (!page.more || page.items.length === 0) return;
  }
}

/**
 * The caller's own conversations in id order: a student's support conversation and the rooms
 * they are a member of (staff: their rooms; the support phase has every support conversation).
 * The member index is eventually consistent, so each room's member item is read again
 * consistently: a student who just left a room does not search it.
 */
async function* mineTargets(
  ctx: ChatContext,
  caller: Caller,
  start: SearchCursor | undefined,
): AsyncGenerator<Target> {
  const own = caller.role === 'student' ? [supportConversationId(caller.userId)] : [];
  const rooms = (await ctx.conversations.conversationIdsOf(caller.userId)).filter(
    (id) => parseConversationId(id)?.kind === 'room',
  );
  const ids = [...new Set([...own, ...rooms])]
    .sort()
    .filter((id) => start === undefined || id >= start.conversationId);
  for (let i = 0; i < ids.length; i += MINE_CHUNK) {
    const chunk = ids.slice(i, i + MINE_CHUNK);
    const roomIds = chunk.filter((id) => parseConversationId(id)?.kind === 'room');
    const [records, members] = await Promise.all([
      ctx.conversations.getMany(chunk),
      ctx.conversations.getMembers(
        roomIds.map((conversationId) => ({ conversationId, userId: caller.userId })),
      ),
    ]);
    const byId = new Map(records.map((r) => [r.conversationId, r]));
    const joined = new Set(members.map((m) => m.conversationId));
    for (const id of chunk) {
      const conversation = byId.get(id);
      if (!conversation) continue;
      if (conversation.kind === 'room' && !joined.has(id)) continue;
      if (conversation.kind === 'support' && conversation.studentId !== caller.userId) continue;
      const resumed = start !== undefined && id === start.conversationId;
      yield {
        phase: 'mine',
        conversation,
        before: resumed ? start.before : conversation.lastSeq + 1,
      };
    }
  }
}
