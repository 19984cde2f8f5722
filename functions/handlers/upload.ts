/** upload: Checks an image upload (membership, type, size) and replies with a presigned POST. */
import { requestUploadSlot } from '../domain/images';
import { UploadFrame } from '../../protocol/images';
import { createImageServices } from '../image-runtime';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const images = createImageServices(runtime);

export const handler = frameHandler(runtime, UploadFrame, (ctx, caller, frame) =>
  requestUploadSlot(ctx, images, caller, frame),
);
