/** sendmessage: Sends a message (idempotent on the frame id), acks it, delivers it. */
import { RateLimitedError } from '../domain/errors';
import { sendMessage } from '../domain/send-message';
import { SendMessageFrame } from '../../protocol/client-frames';
import { TokenBuckets } from '../domain/token-bucket';
import { config, sendLimits } from './chat-runtime';
import { frameHandler } from './frame-handler';
import { imageServices } from './image-runtime';

/**
 * sendmessage frames per connection. A client sends one message at a time per conversation (it
 * waits for the ack), so this only stops a flood, whose concurrent sends would otherwise race each
 * other for the same seq — every lost race another transaction — and slow the table for everyone.
 */
export const messageThrottle = new TokenBuckets(
  config.chat.messageBurst,
  config.chat.messagePerSecond,
);

export const handler = frameHandler(SendMessageFrame, async (ctx, caller, frame) => {
  const throttled = messageThrottle.take(caller.connectionId, ctx.now());
  if (throttled > 0) {
    throw new RateLimitedError('too many messages at once on this connection', throttled);
  }
  // A sender this instance already saw over the limit is refused without a database round trip.
  const wait = sendLimits.wait(caller.userId, ctx.now());
  if (wait > 0) {
    throw new RateLimitedError(
      `at most ${config.chat.sendLimit} messages per ${config.chat.sendWindowSeconds} s`,
      wait,
    );
  }
  try {
    await sendMessage(ctx, caller, frame, imageServices);
  } catch (error) {
    if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
      sendLimits.limited(caller.userId, ctx.now() + error.retryAfterMs);
    }
    throw error;
  }
});
