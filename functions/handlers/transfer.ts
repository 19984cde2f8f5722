/** transfer: the desk's workflow on a support conversation (functions/domain/desk.ts). */
import { transferConversation } from '../domain/desk';
import { TransferFrame } from '../../protocol/desk';
import { createRuntime } from '../runtime';
import { deskStore } from './desk-deps';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const desk = deskStore(runtime);

export const handler = frameHandler(runtime, TransferFrame, (ctx, caller, frame) =>
  transferConversation(ctx, desk, caller, frame),
);
