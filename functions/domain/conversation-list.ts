/**
 * conversations and rooms: what a user sees in their lists, with unread counts. Every list is
 * paged: a page holds at most `limit` summaries and SERVER_FRAME_BUDGET_BYTES in all, and a
 * `cursor` resumes where it stopped (docs/protocol.md).
 */
import type { ConversationsFrame, RoomsFrame } from '../../protocol/client-frames';
import { CONVERSATIONS_DEFAULT_LIMIT, ROOMS_DEFAULT_LIMIT } from '../../protocol/limits';
import type { ConversationSummary } from '../../protocol/server-frames';
import type { ChatContext } from './chat-context';
import { parseConversationId, supportConversationId } from './conversation-ids';
import { forEachConcurrently, reply } from './fan-out';
import { FrameBudget } from './frame-budget';
import type { Caller, Identity } from './identity';
import { decodeListCursor, encodeListCursor, type ListCursor, type ListPhase } from './list-cursor';
import type { ConversationRecord, ListPosition, MemberRecord, Page } from './ports';
import { emptySupportConversation, summarize } from './summaries';

/** A student's rooms are read whole to sort them; beyond this many the list stops. */
const MAX_STUDENT_ROOMS = 1000;

/**
 * A student gets their support conversation and joined rooms; an admin gets every room, then the
 * support inbox (each newest activity first, support conversations with online flags).
 */
export async function listConversations(
  ctx: ChatContext,
  caller: Caller,
  frame: ConversationsFrame,
): Promise<void> {
  const envelope = {
    type: 'conversations' as const,
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    conversations: [] as ConversationSummary[],
  };
  const limit = frame.limit ?? CONVERSATIONS_DEFAULT_LIMIT;
  const budget = new FrameBudget(envelope);
  const page =
    caller.role === 'admin'
      ? await pageThrough(ctx, caller, ['room', 'support'], frame.cursor, limit, budget)
      : await studentPage(ctx, caller, frame.cursor, limit, budget);
  await reply(ctx, caller.connectionId, {
    ...envelope,
    conversations: page.summaries,
    ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
  });
}

/** Replies with a page of every room and whether the caller joined it. */
export async function listRooms(
  ctx: ChatContext,
  caller: Caller,
  frame: RoomsFrame,
): Promise<void> {
  const envelope = {
    type: 'rooms' as const,
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    rooms: [] as ConversationSummary[],
  };
  const budget = new FrameBudget(envelope);
  const limit = frame.limit ?? ROOMS_DEFAULT_LIMIT;
  const page = await pageThrough(ctx, caller, ['room'], frame.cursor, limit, budget);
  await reply(ctx, caller.connectionId, {
    ...envelope,
    rooms: page.summaries,
    ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
  });
}

interface SummaryPage {
  readonly summaries: ConversationSummary[];
  readonly cursor?: string;
}

/**
 * Lists the conversations of each phase's kind in turn, newest activity first, from `cursor`
 * on, until `limit` summaries or the byte budget; the cursor names where the next page starts.
 */
async function pageThrough(
  ctx: ChatContext,
  viewer: Identity,
  phases: readonly ('room' | 'support')[],
  cursor: string | undefined,
  limit: number,
  budget: FrameBudget,
): Promise<SummaryPage> {
  const start: ListCursor = cursor
    ? decodeListCursor(cursor, phases)
    : { phase: phases[0] as ListPhase };
  const summaries: ConversationSummary[] = [];
  for (let p = phases.indexOf(start.phase as 'room' | 'support'); p < phases.length; p++) {
    const phase = phases[p] as 'room' | 'support';
    // Only the phase the cursor names resumes part way; the ones after it start at their top.
    let after: ListPosition | undefined = phase === start.phase ? start.after : undefined;
    for (;;) {
      const page: Page<ConversationRecord> = await ctx.conversations.listByKind(
        phase,
        limit - summaries.length,
        after,
      );
      const built = await summariesFor(ctx, viewer, page.items);
      for (const [i, summary] of built.entries()) {
        if (summaries.length === limit || !budget.take(summary)) {
          return { summaries, cursor: encodeListCursor(phase, after) };
        }
        summaries.push(summary);
        after = positionOf(page.items[i] as ConversationRecord);
      }
      if (!page.more) break;
      if (summaries.length === limit) return { summaries, cursor: encodeListCursor(phase, after) };
    }
    const next = phases[p + 1];
    if (next !== undefined && summaries.length === limit) {
      return { summaries, cursor: encodeListCursor(next) };
    }
  }
  return { summaries };
}

/** Summaries of `records` for `viewer`: read positions, and for an admin who is online. */
export async function summariesFor(
  ctx: ChatContext,
  viewer: Identity,
  records: readonly ConversationRecord[],
): Promise<ConversationSummary[]> {
  const support = viewer.role === 'admin' ? records.filter((r) => r.kind === 'support') : [];
  const [members, students, online] = await Promise.all([
    membersOf(ctx, viewer, records),
    studentMembers(ctx, support),
    onlineStudents(ctx, support),
  ]);
  return records.map((r) => {
    const student = students.get(r.conversationId);
    return summarize(r, members.get(r.conversationId), viewer, ctx.config, {
      ...(online.has(r.conversationId) ? { online: online.get(r.conversationId) === true } : {}),
      ...(student ? { student } : {}),
    });
  });
}

/** The students' own member items of support conversations (their read positions). */
async function studentMembers(
  ctx: ChatContext,
  conversations: readonly ConversationRecord[],
): Promise<Map<string, MemberRecord>> {
  const keys = conversations.flatMap((c) =>
    c.studentId !== undefined ? [{ conversationId: c.conversationId, userId: c.studentId }] : [],
  );
  if (keys.length === 0) return new Map();
  const members = await ctx.conversations.getMembers(keys);
  return new Map(members.map((m) => [m.conversationId, m]));
}

/**
 * A student's support conversation and joined rooms, newest activity first, from `cursor` on.
 * They are few (a student joins a handful of rooms), so they are read whole and sorted here.
 */
async function studentPage(
  ctx: ChatContext,
  student: Identity,
  cursor: string | undefined,
  limit: number,
  budget: FrameBudget,
): Promise<SummaryPage> {
  const after = cursor ? decodeListCursor(cursor, ['mine']).after : undefined;
  const supportId = supportConversationId(student.userId);
  const roomIds = (await ctx.conversations.conversationIdsOf(student.userId))
    .filter((id) => parseConversationId(id)?.kind === 'room')
    .slice(0, MAX_STUDENT_ROOMS);
  const ids = [supportId, ...roomIds];
  const records = await ctx.conversations.getMany(ids);
  const byId = new Map(records.map((r) => [r.conversationId, r]));
  if (!byId.has(supportId)) byId.set(supportId, emptySupportConversation(student, ctx.now()));
  const ordered = [...byId.values()].sort(newestFirst);
  const rest = after ? ordered.filter((c) => newestFirst(positionOf(c), after) > 0) : ordered;
  const candidates = rest.slice(0, limit);
  const members = await membersOf(ctx, student, candidates);
  const summaries: ConversationSummary[] = [];
  let last: ListPosition | undefined = after;
  for (const record of candidates) {
    const summary = summarize(record, members.get(record.conversationId), student, ctx.config);
    if (!budget.take(summary)) return { summaries, cursor: encodeListCursor('mine', last) };
    summaries.push(summary);
    last = positionOf(record);
  }
  return rest.length > candidates.length
    ? { summaries, cursor: encodeListCursor('mine', last) }
    : { summaries };
}

function positionOf(record: ConversationRecord): ListPosition {
  return { lastActivityAt: record.lastActivityAt, conversationId: record.conversationId };
}

/** The list order: newest activity first, ties by id (negative: `a` comes first). */
function newestFirst(a: ListPosition, b: ListPosition): number {
  if (a.lastActivityAt !== b.lastActivityAt) return b.lastActivityAt - a.lastActivityAt;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}

/**
 * Whether each support conversation has a connected student (one Query each), with as many in
 * flight as a fan-out allows: an inbox page holds up to 200 conversations.
 */
async function onlineStudents(
  ctx: ChatContext,
  conversations: readonly ConversationRecord[],
): Promise<Map<string, boolean>> {
  const online = new Map<string, boolean>();
  await forEachConcurrently(conversations, ctx.config.fanOutConcurrency, async (c) => {
    online.set(c.conversationId, await ctx.connections.hasSubscribers(c.conversationId));
  });
  return online;
}

async function membersOf(
  ctx: ChatContext,
  viewer: Identity,
  conversations: readonly ConversationRecord[],
): Promise<Map<string, MemberRecord>> {
  if (conversations.length === 0) return new Map();
  const members = await ctx.conversations.getMembers(
    conversations.map((c) => ({ conversationId: c.conversationId, userId: viewer.userId })),
  );
  return new Map(members.map((m) => [m.conversationId, m]));
}
