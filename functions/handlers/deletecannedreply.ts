/** deletecannedreply: staff delete a canned reply. */
import { deleteCannedReply } from '../domain/canned-replies';
import { DeleteCannedReplyFrame } from '../../protocol/desk';
import { createRuntime } from '../runtime';
import { cannedReplyStore } from './desk-deps';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const store = cannedReplyStore(runtime);

export const handler = frameHandler(runtime, DeleteCannedReplyFrame, (ctx, caller, frame) =>
  deleteCannedReply(ctx, store, caller, frame),
);
