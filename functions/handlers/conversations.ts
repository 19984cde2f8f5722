/** conversations: Replies with the caller's conversations and unread counts. */
import { listConversations } from '../domain/conversation-list';
import { ConversationsFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(ConversationsFrame, listConversations);
