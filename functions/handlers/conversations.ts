/** conversations: Replies with the caller's conversations and unread counts. */
import { listConversations } from '../domain/conversation-list';
import { ConversationsFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, ConversationsFrame, listConversations);
