/** typing: forwards "is typing" to the conversation, throttled per user and conversation. */
import { TokenBuckets } from '../domain/token-bucket';
import { sendTyping } from '../domain/typing';
import { TypingFrame } from '../../protocol/client-frames';
import { config } from './chat-runtime';
import { frameHandler } from './frame-handler';

export const typingThrottle = new TokenBuckets(
  config.chat.typingBurst,
  config.chat.typingPerSecond,
);

export const handler = frameHandler(TypingFrame, (ctx, caller, frame) =>
  sendTyping(ctx, caller, frame, typingThrottle),
);
