/** sendmessage: Sends a message (idempotent on the frame id), acks it, delivers it. */
import { SendMessageFrame } from '../../protocol/client-frames';
import { RateLimitedError } from '../domain/errors';
import { sendMessage } from '../domain/send-message';
import { createImageServices } from '../image-runtime';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const images = createImageServices(runtime);
const { config, throttles } = runtime;

export const handler = frameHandler(runtime, SendMessageFrame, async (ctx, caller, frame) => {
  const throttled = throttles.messages.take(caller.connectionId, ctx.now());
  if (throttled > 0) {
    throw new RateLimitedError('too many messages at once on this connection', throttled);
  }
  // A sender this instance already saw over the limit is refused without a database round trip.
  const wait = throttles.sendLimits.wait(caller.userId, ctx.now());
  if (wait > 0) {
    throw new RateLimitedError(
      `at most ${config.chat.sendLimit} messages per ${config.chat.sendWindowSeconds} s`,
      wait,
    );
  }
  try {
    await sendMessage(ctx, caller, frame, images);
  } catch (error) {
    if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
      throttles.sendLimits.limited(caller.userId, ctx.now() + error.retryAfterMs);
    }
    throw error;
  }
});
