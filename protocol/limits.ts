/** Protocol limits, shared by the server and the clients. Character counts are Unicode code points. */

/** Longest message text, in Unicode code points (an emoji outside the BMP counts once). */
export const MAX_TEXT_CHARS = 4000;
/** Longest client frame `id` (the idempotency key of `sendmessage`). */
export const MAX_FRAME_ID_LENGTH = 64;
/** Longest room title, in code points. */
export const MAX_ROOM_TITLE_CHARS = 80;
/** Longest display name, in code points. */
export const MAX_DISPLAY_NAME_CHARS = 32;
/** Longest conversation id a client may send; real ids are far shorter. */
export const MAX_CONVERSATION_ID_LENGTH = 128;
/** `sync` page size when the frame names none, and the most it may ask for. */
export const SYNC_DEFAULT_LIMIT = 50;
export const SYNC_MAX_LIMIT = 200;
/**
 * A room seq with nothing stored at it for this long (ms) is filled with a `skipped` filler by
 * the next `sync` that reads across it: its send died between taking the seq and storing the
 * message. Younger holes are a send still on its way; a client holding one asks again after
 * SEQ_HOLE_RECHECK_MS.
 */
export const SEQ_HOLE_AGE_MS = 2000;
export const SEQ_HOLE_RECHECK_MS = 3000;
/** `conversations` page size for the admin inbox, and the most a frame may ask for. */
export const CONVERSATIONS_DEFAULT_LIMIT = 100;
export const CONVERSATIONS_MAX_LIMIT = 200;
/** Characters of the last message kept in a conversation summary. */
export const PREVIEW_CHARS = 140;
/** API Gateway's largest WebSocket message; a larger one closes the connection with 1009. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
/**
 * The most bytes (UTF-8, as serialized) any frame the server sends may have: a margin of 32 KB
 * under API Gateway's 128 KB message limit (PostToConnection answers 413 beyond it). `history`,
 * `conversations` and `rooms` pages stop early to stay under it; a single message frame is far
 * smaller (4000 code points at 6 bytes each, the worst JSON escaping, is 24 KB).
 */
export const SERVER_FRAME_BUDGET_BYTES = 96 * 1024;
/** Longest pagination cursor the server hands out or accepts. */
export const MAX_CURSOR_LENGTH = 512;
/** Rooms per `rooms` page when the frame names no limit, and the most it may ask for. */
export const ROOMS_DEFAULT_LIMIT = 100;
export const ROOMS_MAX_LIMIT = 200;
/**
 * API Gateway's largest WebSocket frame (not adjustable); a larger frame closes the connection with
 * 1009. Browsers and WeChat send each message as one frame, so every client frame must fit: the
 * largest `sendmessage`, as `JSON.stringify` writes it, is at most about 25.2 KB (MAX_TEXT_CHARS at 6
 * bytes each, the worst JSON escaping, plus an id and conversation id escaped the same way; the
 * text rules refuse the characters escaped that way, so a valid send is smaller still).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
 */
export const MAX_FRAME_BYTES = 32 * 1024;

/**
 * How long after sending a sender may recall their own message (WeChat's own chats allow 2
 * minutes). Measured on the server's clock against the message's `sentAt`. Admins may remove any
 * message at any time.
 */
export const RECALL_WINDOW_SECONDS = 120;
/** Longest reason an admin may give for a removal, in code points. */
export const MAX_MODERATION_REASON_CHARS = 200;
/** Why a student reports a message: a fixed list, so a report carries no free text of its own. */
export const REPORT_REASONS = ['spam', 'abuse', 'illegal', 'other'] as const;
/** Open reports per `reports` page when the frame names no limit, and the most it may ask for. */
export const REPORTS_DEFAULT_LIMIT = 50;
export const REPORTS_MAX_LIMIT = 100;
