/** resolve: the desk's workflow on a support conversation (functions/domain/desk.ts). */
import { resolveConversation } from '../domain/desk';
import { ResolveFrame } from '../../protocol/desk';
import { createRuntime } from '../runtime';
import { deskStore } from './desk-deps';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const desk = deskStore(runtime);

export const handler = frameHandler(runtime, ResolveFrame, (ctx, caller, frame) =>
  resolveConversation(ctx, desk, caller, frame),
);
