/** cannedreplies: staff read the shared canned replies (functions/domain/canned-replies.ts). */
import { listCannedReplies } from '../domain/canned-replies';
import { CannedRepliesFrame } from '../../protocol/desk';
import { createRuntime } from '../runtime';
import { cannedReplyStore } from './desk-deps';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const store = cannedReplyStore(runtime);

export const handler = frameHandler(runtime, CannedRepliesFrame, (ctx, caller, frame) =>
  listCannedReplies(ctx, store, caller, frame),
);
