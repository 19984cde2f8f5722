/**
 * Turns a conversation view of the chat core into the rows the chat page renders: stored
 * messages in seq order, then the user's own pending ones, each with sender, time and state.
 * An image message also carries its thumbnail (the frame's presigned URL, or a renewed one) and
 * the box it is shown in; a pending one shows the picture from the phone with its upload progress.
 */
import type { ChatMessage, ConversationView, Translator } from '../core';
import { formatTime, messageText } from '../core';

export interface ChatItem {
  /**
   * Stable key for wx:for: own messages by client id, so the row that showed "发送中…" is the
   * one that turns "已发送" (a path update, not a new row); others' by seq.
   */
  readonly key: string;
  readonly seq: number;
  readonly mine: boolean;
  readonly senderName: string;
  readonly time: string;
  /** Rendered with <text>: never parsed as markup. */
  readonly text: string;
  /** `sent` | `sending` | `failed`, and `read` once the other side read it. */
  readonly state: 'sent' | 'sending' | 'failed' | 'read';
  readonly stateLabel: string;
  readonly clientId: string;
  readonly className: string;
  /** A tombstone (recalled or removed): `text` is the catalog's words, offered no actions. */
  readonly recalled: boolean;
  /** The desk's automatic reply: "自动回复" next to the sender ('' for any other message). */
  readonly badge: string;
  /** The image's key ('' for a text, a tombstone, or a pending upload). */
  readonly imageKey: string;
  /** What the image element shows: a thumbnail URL, the phone's file while uploading, or ''. */
  readonly imageSrc: string;
  /** The image's box (`width:…px;height:…px`), '' without an image. */
  readonly imageStyle: string;
  /** The image's accessible name. */
  readonly imageAlt: string;
  /** "正在上传 40%" while a pending picture uploads, else ''. */
  readonly progressLabel: string;
}

type MessageImage = NonNullable<ChatMessage['image']>;

/** The most a thumbnail takes on screen, in px (the server's thumbnail is 360 px: 2x at 180). */
export const IMAGE_BOX_PX = 180;

/** The URLs a stored picture is shown with (the page's ImageUrlCache: the frame's or renewed). */
export type ImageUrlsOf = (image: MessageImage) => { url: string; thumbUrl: string } | undefined;

/** What the page adds to the view: the pictures' URLs and the upload progress by client id. */
export interface ChatExtras {
  readonly urls?: ImageUrlsOf;
  readonly progress?: ReadonlyMap<string, number>;
}

const LABELS = {
  sent: 'state.sent',
  sending: 'state.sending',
  failed: 'state.failedTap',
  read: 'state.read',
} as const;

/** The box a picture of `width` x `height` is shown in, at most IMAGE_BOX_PX either way. */
export function imageBox(width: number, height: number): string {
  const scale = Math.min(1, IMAGE_BOX_PX / Math.max(width, height, 1));
  const w = Math.max(40, Math.round(width * scale));
  const h = Math.max(40, Math.round(height * scale));
  return `width:${w}px;height:${h}px`;
}

/** Without a cache: the frame's own URLs while they last. */
function frameUrls(image: MessageImage, now: number) {
  return image.thumbUrl !== undefined &&
    image.urlsExpireAt !== undefined &&
    Date.parse(image.urlsExpireAt) > now
    ? { thumbUrl: image.thumbUrl }
    : undefined;
}

type Fields = Omit<
  ChatItem,
  | 'stateLabel'
  | 'className'
  | 'recalled'
  | 'badge'
  | 'imageKey'
  | 'imageSrc'
  | 'imageStyle'
  | 'imageAlt'
  | 'progressLabel'
> &
  Partial<Pick<ChatItem, 'imageKey' | 'imageSrc' | 'imageStyle' | 'imageAlt' | 'progressLabel'>>;

function row(tr: Translator, fields: Fields, recalled = false, auto = false): ChatItem {
  return {
    imageKey: '',
    imageSrc: '',
    imageStyle: '',
    imageAlt: '',
    progressLabel: '',
    ...fields,
    stateLabel: fields.mine && !recalled ? tr.t(LABELS[fields.state]) : '',
    className: `message ${fields.mine ? 'mine' : 'theirs'} ${fields.state}${recalled ? ' recalled' : ''}${auto ? ' auto' : ''}${fields.imageStyle ? ' with-picture' : ''}`,
    recalled,
    badge: auto ? tr.t('auto.badge') : '',
  };
}

export function chatItems(
  tr: Translator,
  view: ConversationView,
  me: string,
  myName: string,
  now: number,
  extras: ChatExtras = {},
): ChatItem[] {
  // The server's peer position (survives a reload) or a later live notice.
  let readByOthers = view.peerReadSeq;
  for (const [userId, seq] of view.readers)
    if (userId !== me && seq > readByOthers) readByOthers = seq;
  const stored = view.messages.map((m) => {
    // A tombstone shows no picture (a removed one's objects are deleted).
    const image = m.recalled === undefined ? m.image : undefined;
    return row(
      tr,
      {
        key: m.senderId === me ? `c${m.clientId}` : `s${m.seq}`,
        seq: m.seq,
        mine: m.senderId === me,
        senderName: m.senderName,
        time: formatTime(tr, m.sentAt, now),
        text: messageText(tr, m),
        state: m.senderId === me && m.seq <= readByOthers ? 'read' : 'sent',
        clientId: m.clientId,
        ...(image
          ? {
              imageKey: image.key,
              imageSrc: (extras.urls ? extras.urls(image) : frameUrls(image, now))?.thumbUrl ?? '',
              imageStyle: imageBox(image.width, image.height),
              imageAlt: tr.t('image.alt', { sender: m.senderName }),
            }
          : {}),
      },
      m.recalled !== undefined,
      m.kind === 'auto',
    );
  });
  const storedIds = new Set(view.messages.filter((m) => m.senderId === me).map((m) => m.clientId));
  // An entry leaves the outbox as its message is stored; never show both.
  const pending = view.pending
    .filter((e) => !storedIds.has(e.clientId))
    .map((e) => {
      const fraction = extras.progress?.get(e.clientId);
      return row(tr, {
        key: `c${e.clientId}`,
        seq: 0,
        mine: true,
        senderName: myName,
        time: formatTime(tr, new Date(e.createdAt).toISOString(), now),
        text: e.text,
        state: e.state,
        clientId: e.clientId,
        ...(e.image
          ? {
              imageSrc: e.image.localPath,
              imageStyle: imageBox(e.image.width, e.image.height),
              imageAlt: tr.t('image.alt', { sender: myName }),
              progressLabel:
                e.state === 'sending' && fraction !== undefined && fraction < 1
                  ? tr.t('image.uploading', { percent: Math.round(fraction * 100) })
                  : '',
            }
          : {}),
      });
    });
  return [...stored, ...pending];
}
