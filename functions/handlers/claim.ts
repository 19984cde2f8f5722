/** claim: the desk's workflow on a support conversation (functions/domain/desk.ts). */
import { claimConversation } from '../domain/desk';
import { ClaimFrame } from '../../protocol/desk';
import { createRuntime } from '../runtime';
import { deskStore } from './desk-deps';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const desk = deskStore(runtime);

export const handler = frameHandler(runtime, ClaimFrame, (ctx, caller, frame) =>
  claimConversation(ctx, desk, caller, frame),
);
