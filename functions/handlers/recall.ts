/** recall: The sender takes back their own message within 2 minutes; it becomes a tombstone. */
import { recallMessage } from '../domain/recall';
import { RecallFrame } from '../../protocol/client-frames';
import { createImageServices } from '../image-runtime';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
// A picture's objects are deleted with the message (domain/recall.ts).
const { store } = createImageServices(runtime);

export const handler = frameHandler(runtime, RecallFrame, (ctx, caller, frame) =>
  recallMessage(ctx, caller, frame, store),
);
