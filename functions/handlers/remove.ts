/** remove: Admins take down any message; it becomes a tombstone and its reports close. */
import { removeMessage } from '../domain/recall';
import { RemoveFrame } from '../../protocol/client-frames';
import { createImageServices } from '../image-runtime';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
// A picture's objects are deleted with the message (domain/recall.ts).
const { store } = createImageServices(runtime);

export const handler = frameHandler(runtime, RemoveFrame, (ctx, caller, frame) =>
  removeMessage(ctx, caller, frame, store),
);
