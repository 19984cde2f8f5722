/** release: the desk's workflow on a support conversation (functions/domain/desk.ts). */
import { releaseConversation } from '../domain/desk';
import { ReleaseFrame } from '../../protocol/desk';
import { createRuntime } from '../runtime';
import { deskStore } from './desk-deps';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const desk = deskStore(runtime);

export const handler = frameHandler(runtime, ReleaseFrame, (ctx, caller, frame) =>
  releaseConversation(ctx, desk, caller, frame),
);
