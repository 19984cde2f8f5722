/** typing: forwards "is typing" to the conversation, throttled per user and conversation. */
import { TypingFrame } from '../../protocol/client-frames';
import { sendTyping } from '../domain/typing';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, TypingFrame, (ctx, caller, frame) =>
  sendTyping(ctx, caller, frame, runtime.throttles.typing),
);
