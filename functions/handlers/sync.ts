/** sync: Replies with a page of history (image messages with fresh download URLs). */
import { syncHistory } from '../domain/history';
import { SyncFrame } from '../../protocol/client-frames';
import { createImageServices } from '../image-runtime';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const images = createImageServices(runtime);

export const handler = frameHandler(runtime, SyncFrame, (ctx, caller, frame) =>
  syncHistory(ctx, caller, frame, images),
);
