/**
 * Image object keys. An upload's key is `up/<conversation>/<uploader>/<random>`: the first two
 * segments are hashes of the conversation id and the uploader's user id (a key names no
 * person and no conversation in the clear — though anyone who knows an id can compute its segment,
 * so they scope, they do not hide — yet the server can tell whose and where from the key
 * alone), the last is 128 random bits (unguessable). The display copy and the thumbnail share the
 * rest of the key under `img/` and `th/`.
 */
import { createHash } from 'node:crypto';

export const UPLOAD_PREFIX = 'up/';
export const DISPLAY_PREFIX = 'img/';
export const THUMB_PREFIX = 'th/';
export const REJECTED_PREFIX = 'bad/';

const SEGMENT = /^[A-Za-z0-9_-]{22}$/;

/** 132 bits of a hash, URL- and key-safe. */
function digest(kind: string, value: string): string {
  return createHash('sha256').update(`${kind}\0${value}`).digest('base64url').slice(0, 22);
}

/** The key segment of a conversation. */
export function conversationSegment(conversationId: string): string {
  return digest('conversation', conversationId);
}

/** The key segment of an uploader. */
export function uploaderSegment(userId: string): string {
  return digest('user', userId);
}

/** A new upload key for `userId` in `conversationId`; `random` is 16 random bytes. */
export function newUploadKey(conversationId: string, userId: string, random: Uint8Array): string {
  const token = Buffer.from(random).toString('base64url');
  return `${UPLOAD_PREFIX}${conversationSegment(conversationId)}/${uploaderSegment(userId)}/${token}`;
}

export interface ParsedImageKey {
  readonly conversation: string;
  readonly uploader: string;
  /** `<conversation>/<uploader>/<random>`, shared by the upload and its derived copies. */
  readonly rest: string;
}

/** The parts of an upload key, or undefined when it is not one. */
export function parseUploadKey(key: string): ParsedImageKey | undefined {
  if (!key.startsWith(UPLOAD_PREFIX)) return undefined;
  const rest = key.slice(UPLOAD_PREFIX.length);
  const parts = rest.split('/');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined;
  return { conversation: parts[0] as string, uploader: parts[1] as string, rest };
}

/** Whether `key` is an upload key in `conversationId`. */
export function isKeyOfConversation(key: string, conversationId: string): boolean {
  return parseUploadKey(key)?.conversation === conversationSegment(conversationId);
}

/** The display copy's key of an upload. */
export function displayKey(parsed: ParsedImageKey): string {
  return `${DISPLAY_PREFIX}${parsed.rest}`;
}

/** The thumbnail's key of an upload. */
export function thumbKey(parsed: ParsedImageKey): string {
  return `${THUMB_PREFIX}${parsed.rest}`;
}

/**
 * Every object a picture message keeps: the upload, its display copy and its thumbnail (what a
 * takedown deletes); none for a key that is not an upload key.
 */
export function imageObjectKeys(uploadKey: string): string[] {
  const parsed = parseUploadKey(uploadKey);
  return parsed ? [uploadKey, displayKey(parsed), thumbKey(parsed)] : [];
}

/** The key of the marker left where an upload was not a readable image. */
export function rejectedKey(parsed: ParsedImageKey): string {
  return `${REJECTED_PREFIX}${parsed.rest}`;
}
