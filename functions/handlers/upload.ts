/** upload: Checks an image upload (membership, type, size) and replies with a presigned POST. */
import { requestUploadSlot } from '../domain/images';
import { UploadFrame } from '../../protocol/images';
import { frameHandler } from './frame-handler';
import { imageServices } from './image-runtime';

export const handler = frameHandler(UploadFrame, (ctx, caller, frame) =>
  requestUploadSlot(ctx, imageServices, caller, frame),
);
