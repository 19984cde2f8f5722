/** imageurls: Fresh download URLs for images of a conversation the caller takes part in. */
import { renewImageUrls } from '../domain/images';
import { ImageUrlsRequestFrame } from '../../protocol/images';
import { createImageServices } from '../image-runtime';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const images = createImageServices(runtime);

export const handler = frameHandler(runtime, ImageUrlsRequestFrame, (ctx, caller, frame) =>
  renewImageUrls(ctx, images, caller, frame),
);
