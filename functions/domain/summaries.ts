/** Conversation records as the protocol shows them to one viewer. */
import type { ConversationSummary } from '../../protocol/server-frames';
import type { ChatConfig } from './chat-context';
import { supportConversationId } from './conversation-ids';
import type { Identity } from './identity';
import type { ConversationRecord, MemberRecord } from './ports';

export interface SummaryExtras {
  readonly online?: boolean;
  readonly joined?: boolean;
  /** Support conversations seen by an admin: the student's member item (their read position). */
  readonly student?: MemberRecord;
}

/**
 * How far the other side of a support conversation has read, for `viewer`: the desk's furthest
 * read for the student, the student's read position for an admin; undefined for rooms.
 */
export function peerReadSeq(
  conversation: ConversationRecord,
  viewer: Identity,
  student: MemberRecord | undefined,
): number | undefined {
  if (conversation.kind !== 'support') return undefined;
  const seq =
    conversation.studentId === viewer.userId
      ? (conversation.deskReadSeq ?? 0)
      : (student?.readSeq ?? 0);
  return Math.min(seq, conversation.lastSeq);
}

/** The summary of `conversation` for `viewer`, whose member item (read position) is `member`. */
export function summarize(
  conversation: ConversationRecord,
  member: MemberRecord | undefined,
  viewer: Identity,
  config: ChatConfig,
  extras: SummaryExtras = {},
): ConversationSummary {
  // A room's content is for its members: an outsider sees what they need to decide to join
  // (title, member count, when it was last active), not what was said or how much.
  const outsider = conversation.kind === 'room' && member === undefined;
  const readSeq = outsider
    ? conversation.lastSeq
    : Math.min(member?.readSeq ?? 0, conversation.lastSeq);
  const isOwnSupport = conversation.kind === 'support' && conversation.studentId === viewer.userId;
  const summary: ConversationSummary = {
    id: conversation.conversationId,
    kind: conversation.kind,
    title: isOwnSupport ? config.deskTitle : supportTitle(conversation),
    lastSeq: conversation.lastSeq,
    readSeq,
    unread: conversation.lastSeq - readSeq,
    lastMessage: outsider ? null : (conversation.lastMessage ?? null),
    lastActivityAt: new Date(conversation.lastActivityAt).toISOString(),
  };
  if (conversation.kind === 'support' && conversation.studentId !== undefined) {
    summary.studentId = conversation.studentId;
  }
  if (extras.online !== undefined) summary.online = extras.online;
  const peer = peerReadSeq(conversation, viewer, extras.student);
  if (peer !== undefined) summary.peerReadSeq = peer;
  if (conversation.kind === 'support') addDeskFields(summary, conversation, viewer);
  if (conversation.kind === 'room') {
    summary.memberCount = conversation.memberCount ?? 0;
    summary.joined = extras.joined ?? member !== undefined;
  }
  return summary;
}

/**
 * The desk state of a support conversation: every viewer sees the state and, while it is claimed,
 * the owner's display name ("王老师 正在为你服务"); only admins see the owner's id, who resolved
 * it, and how long the student has been waiting.
 */
function addDeskFields(
  summary: ConversationSummary,
  conversation: ConversationRecord,
  viewer: Identity,
): void {
  const state = conversation.deskState ?? 'open';
  summary.deskState = state;
  const admin = viewer.role === 'admin';
  if (conversation.ownerName !== undefined && (admin || state === 'claimed')) {
    summary.ownerName = conversation.ownerName;
  }
  if (!admin) return;
  if (conversation.ownerId !== undefined) summary.ownerId = conversation.ownerId;
  if (conversation.waitingSince !== undefined) {
    summary.waitingSince = new Date(conversation.waitingSince).toISOString();
  }
}

/**
 * What the desk calls a support conversation: the student's name as of their latest message (a
 * student who changed their display name is shown with the new one), else the stored title.
 */
function supportTitle(conversation: ConversationRecord): string {
  const last = conversation.lastMessage;
  if (conversation.kind === 'support' && last && last.senderId === conversation.studentId) {
    return last.senderName;
  }
  return conversation.title;
}

/** The support conversation of a student who has not written yet: it exists for them, empty. */
export function emptySupportConversation(student: Identity, createdAt: number): ConversationRecord {
  return {
    conversationId: supportConversationId(student.userId),
    kind: 'support',
    title: student.name,
    studentId: student.userId,
    lastSeq: 0,
    lastActivityAt: createdAt,
    createdAt,
  };
}
