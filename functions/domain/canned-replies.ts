/**
 * The desk's shared canned replies (常用语): staff list, add, edit and delete them. Bounded in
 * count (MAX_CANNED_REPLIES, counted atomically with each add) and length, held to the text rules
 * of messages, and checked by content security like any text staff send to students. Every change
 * goes to every admin connection as the whole list (it fits one frame).
 */
import type {
  CannedRepliesFrame,
  CannedRepliesListFrame,
  DeleteCannedReplyFrame,
  SaveCannedReplyFrame,
} from '../../protocol/desk';
import {
  MAX_CANNED_REPLIES,
  MAX_CANNED_REPLY_CHARS,
  MAX_CANNED_TITLE_CHARS,
} from '../../protocol/desk';
import { codePointLength, textProblem } from '../../protocol/text-rules';
import type { ChatContext } from './chat-context';
import { admitContent } from './content-check';
import { ADMINS_TOPIC } from './conversation-ids';
import type { CannedReplyRecord, CannedReplyStore } from './desk-ports';
import { BadRequestError, ForbiddenError, NotFoundError, TooLargeError } from './errors';
import { describe, fanOut, reply } from './fan-out';
import type { Caller } from './identity';

function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') throw new ForbiddenError('only staff can use canned replies');
}

/** cannedreplies: the list. */
export async function listCannedReplies(
  ctx: ChatContext,
  store: CannedReplyStore,
  caller: Caller,
  frame: CannedRepliesFrame,
): Promise<void> {
  requireAdmin(caller);
  await reply(ctx, caller.connectionId, await listFrame(store, frame.id));
}

/** savecannedreply: adds a reply (no `replyId`) or replaces one. */
export async function saveCannedReply(
  ctx: ChatContext,
  store: CannedReplyStore,
  caller: Caller,
  frame: SaveCannedReplyFrame,
): Promise<void> {
  requireAdmin(caller);
  const title = checked(frame.title, 'title', MAX_CANNED_TITLE_CHARS).trim();
  const text = checked(frame.text, 'text', MAX_CANNED_REPLY_CHARS).trim();
  // Staff insert it into messages to students: judged as the desk's own messages are.
  await admitContent(ctx, `${title}\n${text}`, 'message', caller, 'everyone');
  const now = ctx.now();
  const record: CannedReplyRecord = {
    replyId: frame.replyId ?? ctx.newId(),
    title,
    text,
    updatedBy: caller.userId,
    updatedByName: caller.name,
    updatedAt: now,
    createdAt: now,
  };
  const outcome = frame.replyId
    ? await store.update(record)
    : await store.add(record, MAX_CANNED_REPLIES);
  if (outcome === 'full') {
    throw new TooLargeError(`the desk keeps at most ${MAX_CANNED_REPLIES} canned replies`);
  }
  if (outcome === 'notFound') throw new NotFoundError(`no canned reply ${frame.replyId}`);
  await answerAndBroadcast(ctx, store, caller, frame.id);
}

/** deletecannedreply: removes a reply (a repeat answers with the list all the same). */
export async function deleteCannedReply(
  ctx: ChatContext,
  store: CannedReplyStore,
  caller: Caller,
  frame: DeleteCannedReplyFrame,
): Promise<void> {
  requireAdmin(caller);
  await store.remove(frame.replyId);
  await answerAndBroadcast(ctx, store, caller, frame.id);
}

/** The text rules of a message, with the canned reply's own bound; BAD_REQUEST / TOO_LARGE. */
function checked(value: string, what: string, max: number): string {
  const problem = textProblem(value, 'message');
  if (problem === 'empty') throw new BadRequestError(`${what} is empty`);
  if (problem === 'malformed' || problem === 'forbiddenCharacter') {
    throw new BadRequestError(`${what} contains a character that is not allowed`);
  }
  if (problem === 'tooLong' || codePointLength(value.trim()) > max) {
    throw new TooLargeError(`${what} is longer than ${max} characters`);
  }
  return value;
}

async function listFrame(store: CannedReplyStore, id?: string): Promise<CannedRepliesListFrame> {
  const replies = await store.list();
  return {
    type: 'cannedreplies',
    ...(id !== undefined ? { id } : {}),
    replies: replies.map((r) => ({
      replyId: r.replyId,
      title: r.title,
      text: r.text,
      updatedByName: r.updatedByName,
      updatedAt: new Date(r.updatedAt).toISOString(),
    })),
  };
}

async function answerAndBroadcast(
  ctx: ChatContext,
  store: CannedReplyStore,
  caller: Caller,
  id: string | undefined,
): Promise<void> {
  const frame = await listFrame(store);
  await reply(ctx, caller.connectionId, { ...frame, ...(id !== undefined ? { id } : {}) });
  try {
    await fanOut(ctx, [ADMINS_TOPIC], frame, caller.connectionId);
  } catch (error) {
    // Stored; the others see it on their next list.
    ctx.log.warn('canned replies broadcast failed', { error: describe(error) });
  }
}
