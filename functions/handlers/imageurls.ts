/** imageurls: Fresh download URLs for images of a conversation the caller takes part in. */
import { renewImageUrls } from '../domain/images';
import { ImageUrlsRequestFrame } from '../../protocol/images';
import { frameHandler } from './frame-handler';
import { imageServices } from './image-runtime';

export const handler = frameHandler(ImageUrlsRequestFrame, (ctx, caller, frame) =>
  renewImageUrls(ctx, imageServices, caller, frame),
);
