/**
 * The desk's workflow on a support conversation: claim, release, transfer and resolve. Each change
 * is decided on the state as read and written conditionally on it (desk-ports.ts DeskTransition),
 * so of two admins claiming at once exactly one wins and the other is told who did; each is
 * recorded, answered, and announced live to every admin connection and to the student.
 */
import type {
  ClaimFrame,
  DeskCounts,
  DeskState,
  DeskStateFrame,
  ReleaseFrame,
  ResolveFrame,
  TransferFrame,
} from '../../protocol/desk';
import { DESK_COUNT_CAP, DESK_STATES } from '../../protocol/desk';
import type { ChatContext } from './chat-context';
import { ADMINS_TOPIC, parseConversationId } from './conversation-ids';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InternalError,
  NotFoundError,
} from './errors';
import { describe, fanOut, reply } from './fan-out';
import { type DeskChange, type DeskStore, deskSortOf } from './desk-ports';
import type { Caller, Identity } from './identity';
import type { ConversationRecord } from './ports';

/** Rounds of read-decide-write before a desk action gives up (each lost round is a real change). */
const MAX_ATTEMPTS = 5;

type Frame = ClaimFrame | ReleaseFrame | TransferFrame | ResolveFrame;

/** What a desk action wants, given the conversation as read; undefined: nothing to change. */
type Decide = (
  conversation: ConversationRecord,
) => { state: DeskState; owner?: Identity; change: DeskChange } | undefined;

/** claim: the caller becomes the owner of an open or resolved conversation. */
export async function claimConversation(
  ctx: ChatContext,
  desk: DeskStore,
  caller: Caller,
  frame: ClaimFrame,
): Promise<void> {
  await changeDesk(ctx, desk, caller, frame, (c) => {
    if (c.deskState === 'claimed') {
      if (c.ownerId === caller.userId) return undefined;
      throw ownedBy(c);
    }
    return { state: 'claimed', owner: caller, change: 'claim' };
  });
}

/** release: the owner gives the conversation back to the queue. */
export async function releaseConversation(
  ctx: ChatContext,
  desk: DeskStore,
  caller: Caller,
  frame: ReleaseFrame,
): Promise<void> {
  await changeDesk(ctx, desk, caller, frame, (c) => {
    if (c.deskState !== 'claimed') return undefined;
    if (c.ownerId !== caller.userId) throw ownedBy(c);
    return { state: 'open', change: 'release' };
  });
}

/**
 * transfer: the owner (or anyone, while nobody owns it) hands the conversation to a colleague, who
 * must be on the staff now and not blocked (re-read here, never taken from the frame).
 */
export async function transferConversation(
  ctx: ChatContext,
  desk: DeskStore,
  caller: Caller,
  frame: TransferFrame,
): Promise<void> {
  requireAdmin(caller);
  const target = await ctx.users.get(frame.to);
  const member = target && ctx.staff ? await ctx.staff.member(target.userId) : undefined;
  if (!target || target.blocked || !member) {
    throw new BadRequestError('a conversation can only be transferred to a current staff member');
  }
  const to: Identity = { userId: target.userId, name: target.name, role: 'admin' };
  await changeDesk(ctx, desk, caller, frame, (c) => {
    if (c.deskState === 'claimed' && c.ownerId === to.userId) return undefined;
    if (c.deskState === 'claimed' && c.ownerId !== caller.userId) throw ownedBy(c);
    return { state: 'claimed', owner: to, change: 'transfer' };
  });
}

/** resolve: any admin marks the conversation resolved; it keeps its owner (who resolved it). */
export async function resolveConversation(
  ctx: ChatContext,
  desk: DeskStore,
  caller: Caller,
  frame: ResolveFrame,
): Promise<void> {
  await changeDesk(ctx, desk, caller, frame, (c) => {
    if (c.deskState === 'resolved') return undefined;
    const owner =
      c.deskState === 'claimed' && c.ownerId !== undefined && c.ownerName !== undefined
        ? { userId: c.ownerId, name: c.ownerName, role: 'admin' as const }
        : caller;
    return { state: 'resolved', owner, change: 'resolve' };
  });
}

function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') throw new ForbiddenError('only staff can change a conversation');
}

function ownedBy(c: ConversationRecord): ConflictError {
  return new ConflictError(
    `${c.ownerName ?? 'another staff member'} handles this conversation`,
    c.ownerName,
  );
}

async function changeDesk(
  ctx: ChatContext,
  desk: DeskStore,
  caller: Caller,
  frame: Frame,
  decide: Decide,
): Promise<void> {
  requireAdmin(caller);
  const target = parseConversationId(frame.conversationId);
  if (target?.kind !== 'support')
    throw new NotFoundError(`no support conversation ${frame.conversationId}`);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const conversation = await ctx.conversations.get(target.id);
    if (!conversation) throw new NotFoundError(`no conversation ${target.id}`);
    const wanted = decide(conversation);
    if (!wanted) {
      // Already as asked (a repeat, or a racer asked for the same): answer with the state now.
      await reply(ctx, caller.connectionId, {
        ...(await adminFrame(ctx, desk, conversation)),
        ...(frame.id !== undefined ? { id: frame.id } : {}),
      });
      return;
    }
    const at = ctx.now();
    const result = await desk.transition({
      conversationId: target.id,
      expected: { state: conversation.deskState, ownerId: conversation.ownerId },
      next: {
        state: wanted.state,
        ...(wanted.owner ? { ownerId: wanted.owner.userId, ownerName: wanted.owner.name } : {}),
      },
      deskSort: deskSortOf(conversation.waitingSince, conversation.lastActivityAt),
      event: {
        conversationId: target.id,
        at,
        eventId: ctx.newId(),
        change: wanted.change,
        actorId: caller.userId,
        actorName: caller.name,
        state: wanted.state,
        ...(wanted.owner ? { ownerId: wanted.owner.userId, ownerName: wanted.owner.name } : {}),
        ...(conversation.ownerId !== undefined ? { previousOwnerId: conversation.ownerId } : {}),
      },
    });
    if (result.outcome === 'done') {
      ctx.log.info('desk state changed', {
        conversationId: target.id,
        change: wanted.change,
        state: wanted.state,
      });
      await announceDeskChange(ctx, desk, result.conversation, wanted.change, caller, {
        connectionId: caller.connectionId,
        ...(frame.id !== undefined ? { frameId: frame.id } : {}),
      });
      return;
    }
    // Someone else changed it first: decide again on what they left (a claim now names them).
  }
  throw new InternalError('the conversation is changing; retry');
}

/** Conversations per state, each counted up to DESK_COUNT_CAP (three bounded queries). */
export async function deskCounts(desk: DeskStore): Promise<DeskCounts> {
  const [open, claimed, resolved] = await Promise.all(
    DESK_STATES.map((state) => desk.count(state, DESK_COUNT_CAP)),
  );
  return { open: open ?? 0, claimed: claimed ?? 0, resolved: resolved ?? 0 };
}

/** The desk state of a conversation as admins see it. */
async function adminFrame(
  ctx: ChatContext,
  desk: DeskStore,
  c: ConversationRecord,
  change?: DeskChange,
  by?: Identity,
): Promise<DeskStateFrame> {
  return {
    type: 'deskstate',
    conversationId: c.conversationId,
    state: c.deskState ?? 'open',
    ...(c.ownerName !== undefined ? { ownerName: c.ownerName } : {}),
    ...(c.ownerId !== undefined ? { ownerId: c.ownerId } : {}),
    ...(c.waitingSince !== undefined
      ? { waitingSince: new Date(c.waitingSince).toISOString() }
      : {}),
    ...(change ? { change } : {}),
    ...(by ? { byName: by.name } : {}),
    counts: await deskCounts(desk),
    at: new Date(ctx.now()).toISOString(),
  };
}

/**
 * Tells everyone about a desk change: the caller (answer with its frame id), every other admin
 * connection, and the student — who learns the state and the owner's display name only.
 */
export async function announceDeskChange(
  ctx: ChatContext,
  desk: DeskStore,
  conversation: ConversationRecord,
  change: DeskChange,
  by: Identity,
  answer?: { connectionId: string; frameId?: string },
): Promise<void> {
  const frame = await adminFrame(ctx, desk, conversation, change, by);
  const state = frame.state;
  const toStudent: DeskStateFrame = {
    type: 'deskstate',
    conversationId: conversation.conversationId,
    state,
    ...(state === 'claimed' && conversation.ownerName !== undefined
      ? { ownerName: conversation.ownerName }
      : {}),
    at: frame.at,
  };
  const deliveries = await Promise.allSettled([
    answer
      ? reply(ctx, answer.connectionId, {
          ...frame,
          ...(answer.frameId !== undefined ? { id: answer.frameId } : {}),
        })
      : Promise.resolve(),
    fanOut(ctx, [ADMINS_TOPIC], frame, answer?.connectionId),
    fanOut(ctx, [conversation.conversationId], toStudent),
  ]);
  for (const d of deliveries) {
    if (d.status === 'rejected') {
      // The change is stored and recorded; a client that missed it sees it on its next list.
      ctx.log.warn('desk change announcement failed', { error: describe(d.reason) });
    }
  }
}
