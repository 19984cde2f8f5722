/**
 * conversations: Replies with the caller's conversations and unread counts; with a `desk` filter
 * (admins), one page of the desk's inbox (functions/domain/desk-inbox.ts).
 */
import { listConversations } from '../domain/conversation-list';
import { listDeskInbox } from '../domain/desk-inbox';
import { ConversationsFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { deskStore } from './desk-deps';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const desk = deskStore(runtime);

export const handler = frameHandler(runtime, ConversationsFrame, (ctx, caller, frame) => {
  const filter = frame.desk;
  return filter
    ? listDeskInbox(ctx, desk, caller, { ...frame, desk: filter })
    : listConversations(ctx, caller, frame);
});
