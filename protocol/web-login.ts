/**
 * Scan to log in (扫码登录), declared once: the HTTP bodies of `POST /weblogin` and
 * `GET /weblogin/{ticket}`, and the WebSocket frames the mini-program uses to look at a ticket,
 * answer it, list its user's web sessions and sign one out (docs/protocol.md §1.2).
 *
 * The flow: the console creates a ticket and shows its code; a staff member scans the code in the
 * mini-program, which shows who is asking and asks "在电脑上登录服务台？"; an approval binds the
 * ticket to the approver; the console, polling with the ticket's poll secret (never in the code),
 * collects a console token once.
 */
import * as v from 'valibot';
import { MAX_FRAME_ID_LENGTH } from './limits';

/** How long a ticket can be scanned and answered: about the time to reach for a phone. */
export const WEB_LOGIN_TICKET_SECONDS = 120;
/** How often the console asks whether its ticket was answered. */
export const WEB_LOGIN_POLL_INTERVAL_MS = 2000;
/** Ticket ids: 22 URL-safe characters (128 random bits); also the `scene` of a mini-program code. */
export const WEB_LOGIN_TICKET_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/**
 * What a plain QR code (used where WeChat's own mini-program codes cannot be made, e.g. the local
 * stack) carries: this prefix and the ticket. The mini-program's scanner accepts only this form.
 */
export const WEB_LOGIN_QR_PREFIX = 'campus-chat-weblogin:';
/** The mini-program page that answers a ticket (the `page` of a mini-program code). */
export const WEB_LOGIN_APPROVAL_PAGE = 'pages/weblogin/index';

const ticket = v.pipe(v.string(), v.regex(WEB_LOGIN_TICKET_PATTERN));
const frameId = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FRAME_ID_LENGTH));

/** 201 from `POST /weblogin`. */
export const WebLoginTicket = v.object({
  ticket,
  /** Sent back as `authorization: Bearer <pollSecret>` when polling; never shown in the code. */
  pollSecret: v.string(),
  /** ISO 8601, UTC. */
  expiresAt: v.string(),
  /** What the code shows: a mini-program code image (data: URL) or the text of a plain QR code. */
  code: v.variant('kind', [
    v.object({ kind: v.literal('wxacode'), image: v.string() }),
    v.object({ kind: v.literal('qr'), text: v.string() }),
  ]),
  pollIntervalMs: v.number(),
});
export type WebLoginTicket = v.InferOutput<typeof WebLoginTicket>;

/** Where a ticket is, as its poller sees it. */
export const WebLoginStatus = v.picklist(['pending', 'scanned', 'refused', 'expired', 'used']);
export type WebLoginStatus = v.InferOutput<typeof WebLoginStatus>;

/** 200 from `GET /weblogin/{ticket}`: still waiting, or answered (approved carries the login). */
export const WebLoginPoll = v.variant('status', [
  v.object({ status: v.picklist(['pending', 'scanned', 'refused', 'expired', 'used']) }),
  v.object({
    status: v.literal('approved'),
    token: v.string(),
    user: v.object({ id: v.string(), name: v.string(), role: v.literal('admin') }),
    /** ISO 8601, UTC: the console token's expiry (shorter than a phone's). */
    expiresAt: v.string(),
  }),
]);
export type WebLoginPoll = v.InferOutput<typeof WebLoginPoll>;

/** The mini-program asks what a scanned ticket is (and marks it scanned). */
export const WebLoginViewFrame = v.object({
  action: v.literal('webloginview'),
  id: frameId,
  ticket,
});
export type WebLoginViewFrame = v.InferOutput<typeof WebLoginViewFrame>;

/** The mini-program approves or refuses a ticket. */
export const WebLoginAnswerFrame = v.object({
  action: v.literal('webloginanswer'),
  id: frameId,
  ticket,
  approve: v.boolean(),
});
export type WebLoginAnswerFrame = v.InferOutput<typeof WebLoginAnswerFrame>;

/** The caller's own web sessions. */
export const WebSessionsFrame = v.object({
  action: v.literal('websessions'),
  id: frameId,
});
export type WebSessionsFrame = v.InferOutput<typeof WebSessionsFrame>;

/** Signs one of the caller's web sessions out: its token stops working, its connections close. */
export const WebSignOutFrame = v.object({
  action: v.literal('websignout'),
  id: frameId,
  sessionId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
});
export type WebSignOutFrame = v.InferOutput<typeof WebSignOutFrame>;

/** Who is asking to log in: shown big on the approval page (QR-login phishing defence). */
export const WebLoginRequester = v.object({
  /** A short description of the browser and system, from its User-Agent ("Chrome 131 · Windows"). */
  browser: v.string(),
  /** The requesting address, coarsened (IPv4 /24, IPv6 /48): "203.0.113.*". */
  network: v.string(),
  /** Epoch milliseconds. */
  requestedAt: v.number(),
});
export type WebLoginRequester = v.InferOutput<typeof WebLoginRequester>;

/** Reply to `webloginview`. */
export const WebLoginInfoFrame = v.object({
  type: v.literal('weblogin'),
  id: v.string(),
  ticket,
  status: WebLoginStatus,
  requester: WebLoginRequester,
  /** Epoch milliseconds. */
  expiresAt: v.number(),
});
export type WebLoginInfoFrame = v.InferOutput<typeof WebLoginInfoFrame>;

/** Reply to `webloginanswer`. */
export const WebLoginAnsweredFrame = v.object({
  type: v.literal('webloginanswered'),
  id: v.string(),
  ticket,
  approved: v.boolean(),
});
export type WebLoginAnsweredFrame = v.InferOutput<typeof WebLoginAnsweredFrame>;

export const WebSession = v.object({
  sessionId: v.string(),
  requester: WebLoginRequester,
  /** Epoch milliseconds. */
  createdAt: v.number(),
  expiresAt: v.number(),
});
export type WebSession = v.InferOutput<typeof WebSession>;

/** Reply to `websessions` (a user has at most MAX_WEB_SESSIONS; no paging). */
export const WebSessionsListFrame = v.object({
  type: v.literal('websessions'),
  id: v.string(),
  sessions: v.array(WebSession),
});
export type WebSessionsListFrame = v.InferOutput<typeof WebSessionsListFrame>;

/** Reply to `websignout`. */
export const WebSignedOutFrame = v.object({
  type: v.literal('websignedout'),
  id: v.string(),
  sessionId: v.string(),
  /** Open connections of that session that were closed. */
  closed: v.number(),
});
export type WebSignedOutFrame = v.InferOutput<typeof WebSignedOutFrame>;

/** Web sessions a user may hold at once; approving one more signs out the oldest. */
export const MAX_WEB_SESSIONS = 5;
