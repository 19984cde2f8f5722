/**
 * sendmessage: admits a send (domain/send-admission.ts: throttles, schema, rate limit, text rules,
 * content security), then stores it (idempotent on the frame id), acks it and delivers it.
 */
import { admitSend } from '../domain/send-admission';
import { sendMessage } from '../domain/send-message';
import { createImageCheckServices, createImageServices } from '../image-runtime';
import { createRuntime } from '../runtime';
import { deskStore } from './desk-deps';
import { admittingFrameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const images = { ...createImageServices(runtime), check: createImageCheckServices(runtime) };
const desk = deskStore(runtime);
const admission = {
  frames: runtime.throttles.frames,
  messages: runtime.throttles.messages,
  senders: runtime.throttles.sendLimits,
};

export const handler = admittingFrameHandler(runtime, async (ctx, caller, body) => {
  // Shed first (BUSY, nothing done) when too much is in flight; see domain/send-gate.ts.
  const conversationId = typeof body.conversationId === 'string' ? body.conversationId : '';
  const release = runtime.throttles.sendGate.enter(conversationId, ctx.now);
  try {
    const admitted = await admitSend(ctx, admission, caller, body);
    await sendMessage(ctx, caller, admitted, admission, images, desk);
  } finally {
    release();
  }
});
