/**
 * The platform-neutral chat client core. Platforms (the WeChat mini-program, the browser console)
 * provide a Transport, a SessionProvider and a KeyValueStorage; see client/README.md.
 */

export { MAX_TEXT_CHARS } from '../protocol/limits';
export type {
  ChatMessage,
  ConversationSummary,
  PresenceFrame,
  ReadNoticeFrame,
  Role,
} from '../protocol/server-frames';
export { backoffCeiling, fullJitterDelay } from './backoff';
export {
  checkLocalImage,
  type ImageUploadPort,
  imageTypeOfPath,
  type LocalImage,
  type UploadFailure,
  UploadFailedError,
  type UploadHandle,
  type UploadTarget,
  uploadImage,
} from './image-upload';
export {
  ChatClient,
  type ChatClientErrorEvent,
  type ChatClientEvents,
  type ChatClientOptions,
  type ConversationView,
} from './chat-client';
export { type Clock, systemClock, type TimerHandle } from './clock';
export {
  badgeText,
  type Banner,
  type BannerStatus,
  bannerFor,
  counterText,
  deskTitle,
  formatRecency,
  formatTime,
  membersText,
  PREVIEW_COLUMNS,
  previewText,
  typingText,
  unreadLabel,
} from './display';
export * from './i18n/index';
export { type ConnectionState, withToken } from './connection';
export {
  ConnectionLostError,
  InvalidTextError,
  ProtocolError,
  RequestTimeoutError,
} from './errors';
export {
  DEV_USER_ID_PATTERN,
  LOGIN_TIMEOUT_MS,
  LoginError,
  normalizeDevUserId,
  SESSION_STORAGE_KEY,
  sessionFromLogin,
  usableSession,
} from './login';
export type { OutboxEntry, SendState } from './outbox';
export { type ConnectionPolicy, DEFAULT_POLICY } from './policy';
export type { Session, SessionProvider, SessionUser } from './session';
export { type KeyValueStorage, MemoryStorage } from './storage';
export {
  codePointLength,
  displayWidth,
  messageTextProblem,
  outgoingText,
  stripForbiddenCharacters,
  type TextProblem,
  textProblem,
  truncateCodePoints,
  truncateWidth,
} from './text';
export {
  clientCloseCode,
  clientCloseReason,
  type Transport,
  type TransportHandlers,
  type TransportSocket,
} from './transport';
export type { TypingUser } from './typing';
