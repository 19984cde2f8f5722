/** sendmessage: Sends a message (idempotent on the frame id), acks it, delivers it. */
import { sendMessage } from '../domain/send-message';
import { SendMessageFrame } from '../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(SendMessageFrame, sendMessage);
