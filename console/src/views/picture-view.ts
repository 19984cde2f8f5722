/**
 * The picture of an image message in the timeline: a box with the picture's own aspect ratio
 * (from the attachment's width and height, so nothing moves when it loads), the lazily loaded
 * 360 px thumbnail, opened full size in the Lightbox. While the message waits in the outbox the
 * box shows the local file, the upload's progress and a cancel button. URLs come from
 * ImageUrlCache, which renews them before they expire and after a failed load.
 */
import type { ImageUrlCache, Translator } from '../../../client/index';
import type { BrowserImageUploader } from '../browser/image-uploader';
import { h } from '../dom';
import type { MessageRow, RowImage } from '../lib/message-rows';
import type { Lightbox } from './lightbox';

/** The largest box in the timeline, in CSS pixels (the thumbnail is 360 px: sharp on 1.5x). */
const BOX_PX = 240;

export interface PictureDeps {
  readonly tr: Translator;
  readonly urls: ImageUrlCache;
  readonly uploader: BrowserImageUploader;
  readonly lightbox: Lightbox;
}

/** What a picture shows, for the row's signature (a change renders the row again). */
export interface PictureState {
  readonly urls?: { readonly url: string; readonly thumbUrl: string };
  /** Percent uploaded, while in the outbox. */
  readonly percent?: number;
  /** Whether this tab still has the local file (not after a reload). */
  readonly local?: boolean;
}

/** The state of a row's picture now (asks for new URLs when they are about to expire). */
export function pictureState(
  deps: PictureDeps,
  conversationId: string,
  image: RowImage,
  fraction: number | undefined,
): PictureState {
  if (image.stored) {
    const urls = deps.urls.current(conversationId, image.stored);
    return urls ? { urls } : {};
  }
  const local = image.localPath !== undefined && deps.uploader.has(image.localPath);
  return { local, ...(fraction !== undefined ? { percent: Math.floor(fraction * 100) } : {}) };
}

/** Sizes the box: the picture's aspect ratio, at most BOX_PX on its longer side. */
function shape(box: HTMLElement, image: RowImage): void {
  const scale = Math.min(1, BOX_PX / image.width, BOX_PX / image.height);
  // CSSOM, not a style attribute: the CSP (style-src 'self') refuses inline style attributes.
  box.style.width = `${Math.max(1, Math.round(image.width * scale))}px`;
  box.style.aspectRatio = `${image.width} / ${image.height}`;
}

export function pictureElement(
  deps: PictureDeps,
  conversationId: string,
  row: MessageRow,
  state: PictureState,
  rowElement: () => HTMLElement | null,
): HTMLElement {
  const image = row.image as RowImage;
  const { tr } = deps;
  const alt = tr.t('image.alt', { sender: row.senderName });
  if (image.stored) {
    const stored = image.stored;
    const urls = state.urls;
    const box = urls
      ? h(
          'button',
          {
            type: 'button',
            class: 'picture',
            'aria-label': tr.t('image.open', { sender: row.senderName }),
            onclick: () =>
              deps.lightbox.open(
                urls.url,
                alt,
                () => rowElement()?.querySelector<HTMLElement>('.picture') ?? null,
              ),
          },
          h('img', {
            src: urls.thumbUrl,
            alt,
            loading: 'lazy',
            decoding: 'async',
            width: stored.width,
            height: stored.height,
            // Expired (403) or not there yet: renew; the row renders again with the new URL.
            onerror: () => deps.urls.failed(conversationId, stored.key),
          }),
        )
      : h('div', { class: 'picture unavailable' }, h('span', {}, tr.t('image.unavailable')));
    shape(box, image);
    return box;
  }
  const box = h(
    'div',
    { class: 'picture pending' },
    state.local && image.localPath
      ? h('img', { src: image.localPath, alt, width: image.width, height: image.height })
      : h('span', {}, tr.t('image.unavailable')),
    row.state === 'sending' &&
      state.percent !== undefined &&
      state.percent < 100 &&
      h('progress', {
        max: 100,
        value: state.percent,
        'aria-label': tr.t('image.uploading', { percent: state.percent }),
      }),
    // From the upload's start (progress 0) until S3 has the file.
    row.state === 'sending' &&
      state.local &&
      image.localPath &&
      state.percent !== undefined &&
      state.percent < 100 &&
      h(
        'button',
        {
          type: 'button',
          class: 'picture-cancel',
          'data-action': 'cancel-upload',
          onclick: () => {
            if (image.localPath) deps.uploader.cancel(image.localPath);
          },
        },
        tr.t('image.cancel'),
      ),
  );
  shape(box, image);
  return box;
}
