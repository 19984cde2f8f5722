/** sync: Replies with a page of history. */
import { syncHistory } from '../domain/history';
import { SyncFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';
import { imageServices } from './image-runtime';

export const handler = frameHandler(SyncFrame, (ctx, caller, frame) =>
  syncHistory(ctx, caller, frame, imageServices),
);
