/**
 * typing: a transient "is typing" signal, never stored, throttled per user and conversation (not
 * per connection: opening more connections buys no more notices).
 */
import type { TypingFrame } from '../../protocol/client-frames';
import { authorizeParticipant, precheckParticipant, requireConversationId } from './access';
import type { ChatContext } from './chat-context';
import { deliveryTopics } from './conversation-ids';
import { RateLimitedError } from './errors';
import { fanOut } from './fan-out';
import type { Caller } from './identity';
import type { TokenBuckets } from './token-bucket';

/** Forwards the signal to the conversation's other connections. */
export async function sendTyping(
  ctx: ChatContext,
  caller: Caller,
  frame: TypingFrame,
  throttle: TokenBuckets,
): Promise<void> {
  const target = requireConversationId(frame.conversationId);
  const wait = throttle.take(`${caller.userId}#${target.id}`, ctx.now());
  if (wait > 0) throw new RateLimitedError('too many typing frames', wait);
  precheckParticipant(caller, target);
  const { conversation, member } = await ctx.conversations.getWithMember(target.id, caller.userId);
  authorizeParticipant(caller, target, conversation, member);
  await fanOut(
    ctx,
    deliveryTopics(target),
    {
      type: 'typing',
      conversationId: target.id,
      userId: caller.userId,
      name: caller.name,
      typing: frame.typing,
    },
    caller.connectionId,
  );
}
