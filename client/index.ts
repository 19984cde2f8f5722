/**
 * The platform-neutral chat client core. Platforms (the WeChat mini-program, the browser console)
 * provide a Transport, a SessionProvider and a KeyValueStorage; see client/README.md.
 */

export { MAX_TEXT_CHARS, RECALL_WINDOW_SECONDS, REPORT_REASONS } from '../protocol/limits';
export { IMAGE_URLS_MAX_KEYS, MAX_IMAGE_BYTES } from '../protocol/images';
export type {
  ChatMessage,
  ConversationSummary,
  MessageReport,
  PresenceFrame,
  ReadNoticeFrame,
  RecalledFrame,
  Role,
  SubscriptionStateFrame,
} from '../protocol/server-frames';
export type { WebLoginInfoFrame, WebSession } from '../protocol/web-login';
export { WEB_LOGIN_POLL_INTERVAL_MS } from '../protocol/web-login';
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
  IMAGE_URL_RENEW_MARGIN_MS,
  IMAGE_URL_RETRY_MS,
  ImageUrlCache,
  type ImageUrlCacheOptions,
} from './image-urls';
export type { ImageUrls, MessageImage } from '../protocol/images';
export { IMAGE_CONTENT_TYPES } from '../protocol/images';
export {
  canRecall,
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
  messageText,
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
export { ticketFromScan, WebLoginRequests } from './web-login-requests';
export { DeskRequests, type DeskInboxPage } from './desk-requests';
export {
  DEFAULT_DESK_FILTER,
  DESK_OWNER_TABS,
  byLongestWaiting,
  DESK_STATE_TABS,
  type DeskAction,
  deskActionLabel,
  deskActions,
  deskCountText,
  deskHoldsConversations,
  type DeskFilterChoice,
  type DeskInfo,
  deskInfoOf,
  deskLine,
  type DeskOwnerFilter,
  deskStateTab,
  deskStatusText,
  inDeskFilter,
  selectDeskFilter,
  waitingAfter,
  waitingText,
} from './desk-display';
export type {
  CannedReply,
  CannedRepliesListFrame,
  DeskCounts,
  DeskFilter,
  DeskState,
  DeskStateFrame,
} from '../protocol/desk';
export {
  DESK_COUNT_CAP,
  MAX_CANNED_REPLIES,
  MAX_CANNED_REPLY_CHARS,
  MAX_CANNED_TITLE_CHARS,
} from '../protocol/desk';
export type { SearchResult, SearchResultsFrame } from '../protocol/search';
export { MAX_SEARCH_CHARS, MIN_SEARCH_CHARS, normalizeSearchText } from '../protocol/search';
export { inviteCodeFromScan, inviteQrText, StaffRequests } from './staff-requests';
export type {
  StaffAuditEntry,
  StaffAuditPageFrame,
  StaffChange,
  StaffListFrame,
  StaffMember,
  StaffRole,
  StaffStatus,
} from '../protocol/staff';
export { MAX_STAFF, STAFF_CHANGES, STAFF_ROLES } from '../protocol/staff';
export type { InvitedFrame, InviteFrame } from '../protocol/staff-invites';
export { MAX_STAFF_INVITES, STAFF_INVITE_SECONDS } from '../protocol/staff-invites';
export {
  staffChangeText,
  staffErrorText,
  type StaffRequestKind,
  staffRoleText,
  staffStatusText,
} from './staff-text';
