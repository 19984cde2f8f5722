/** savecannedreply: staff add or edit a canned reply (content-checked, bounded). */
import { saveCannedReply } from '../domain/canned-replies';
import { SaveCannedReplyFrame } from '../../protocol/desk';
import { createRuntime } from '../runtime';
import { cannedReplyStore } from './desk-deps';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const store = cannedReplyStore(runtime);

export const handler = frameHandler(runtime, SaveCannedReplyFrame, (ctx, caller, frame) =>
  saveCannedReply(ctx, store, caller, frame),
);
