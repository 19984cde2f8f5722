/**
 * Scan to log in (扫码登录): a console asks for a ticket and shows its code, a staff member scans
 * it with the mini-program and approves, and the console — proving it is the one that asked with
 * the ticket's poll secret — collects a console token once (protocol/web-login.ts).
 *
 * Security, by design:
 * - A ticket is single-use (approved → used is one conditional write) and expires after
 *   WEB_LOGIN_TICKET_SECONDS; an answer to an expired ticket is refused.
 * - Only the poller holding the poll secret collects the token; the code carries only the ticket,
 *   so scanning someone else's code gives the scanner nothing. The secret is stored hashed.
 * - Approving a code someone sent you is the known QR-login phishing attack: the approval page
 *   shows the requesting browser, its coarse network and the time, and the poller's network must
 *   still be the requester's (a ticket cannot be created in one place and collected in another).
 * - The approver's role is read at approval (the connection's identity, refreshed from ADMINS);
 *   only admins may approve: the console is the desk's.
 * - Creating tickets and polling are rate-limited per source address.
 */
import type { IssuedToken } from '../auth/tokens';
import {
  MAX_WEB_SESSIONS,
  WEB_LOGIN_POLL_INTERVAL_MS,
  WEB_LOGIN_QR_PREFIX,
  WEB_LOGIN_TICKET_SECONDS,
  type WebLoginAnsweredFrame,
  type WebLoginAnswerFrame,
  type WebLoginInfoFrame,
  type WebLoginPoll,
  type WebLoginRequester,
  type WebLoginStatus,
  type WebLoginTicket,
  type WebLoginViewFrame,
  type WebSession,
  type WebSessionsListFrame,
  type WebSignedOutFrame,
  type WebSignOutFrame,
} from '../../protocol/web-login';
import type { ChatContext } from './chat-context';
import { ForbiddenError, NotFoundError } from './errors';
import { reply } from './fan-out';
import type { Caller, Identity } from './identity';

/** A ticket as stored. */
export interface WebLoginRecord {
  readonly ticket: string;
  /** SHA-256 of the poll secret, hex. */
  readonly pollSecretHash: string;
  readonly status: 'pending' | 'scanned' | 'approved' | 'refused' | 'used';
  readonly requester: WebLoginRequester;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** Who approved it (set with `approved`). */
  readonly approver?: Identity;
}

/** Where tickets and web sessions are kept (functions/adapters/dynamo-web-logins.ts). */
export interface WebLoginStore {
  create(record: WebLoginRecord): Promise<void>;
  get(ticket: string): Promise<WebLoginRecord | undefined>;
  /** pending → scanned while not expired; the record as it is now (undefined: none). */
  markScanned(ticket: string, now: number): Promise<WebLoginRecord | undefined>;
  /** pending/scanned → approved (with the approver) or refused, while not expired. */
  answer(ticket: string, approver: Identity | undefined, now: number): Promise<boolean>;
  /** approved → used, once; the record, or undefined if it was not approved (or already used). */
  collect(ticket: string): Promise<WebLoginRecord | undefined>;
  putSession(userId: string, session: WebSession): Promise<void>;
  sessions(userId: string): Promise<WebSession[]>;
  getSession(userId: string, sessionId: string): Promise<WebSession | undefined>;
  deleteSession(userId: string, sessionId: string): Promise<void>;
}

/** A fixed-window counter per key: 0 when the call may proceed, else ms until it may. */
export interface WindowCounter {
  take(key: string, limit: number, windowSeconds: number, now: number): Promise<number>;
}

/** What the code shows for a ticket: a mini-program code on AWS, a plain QR code locally. */
export interface LoginCodeMaker {
  make(ticket: string): Promise<WebLoginTicket['code']>;
}

/** The plain QR code's text: readable by the mini-program's scanner (wx.scanCode). */
export const plainQrCodes: LoginCodeMaker = {
  make: async (ticket) => ({ kind: 'qr', text: `${WEB_LOGIN_QR_PREFIX}${ticket}` }),
};

export interface WebLoginLimits {
  /** Tickets per source address per minute. */
  readonly ticketsPerMinute: number;
  /** Polls per source address per minute (a console polls every 2 s: 30). */
  readonly pollsPerMinute: number;
  /** Console token lifetime (shorter than a phone's). */
  readonly consoleTokenSeconds: number;
}

export interface WebLoginDeps {
  readonly store: WebLoginStore;
  readonly counter: WindowCounter;
  readonly codes: LoginCodeMaker;
  readonly limits: WebLoginLimits;
  readonly issueToken: (identity: Identity, sessionId: string) => Promise<IssuedToken>;
  readonly randomId: (bytes: number) => string;
  readonly hash: (text: string) => string;
  readonly now: () => number;
}

/** Who asked, from the HTTP request. */
export interface WebLoginRequest {
  readonly sourceIp: string;
  readonly userAgent: string;
}

/** An HTTP answer of the web-login routes. */
export interface WebLoginResult<T> {
  readonly status: number;
  readonly body: T | { error: { code: string; message: string } };
  readonly retryAfterSeconds?: number;
}

function refused(status: number, code: string, message: string, retryAfterMs?: number) {
  return {
    status,
    body: { error: { code, message } },
    ...(retryAfterMs !== undefined ? { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) } : {}),
  };
}

/** `POST /weblogin`: a new ticket and its code. */
export async function createTicket(
  deps: WebLoginDeps,
  request: WebLoginRequest,
): Promise<WebLoginResult<WebLoginTicket>> {
  const now = deps.now();
  const network = coarseNetwork(request.sourceIp);
  const wait = await deps.counter.take(
    `weblogin-ticket#${network}`,
    deps.limits.ticketsPerMinute,
    60,
    now,
  );
  if (wait > 0) return refused(429, 'RATE_LIMITED', 'too many login codes; wait a minute', wait);
  const ticket = deps.randomId(16);
  const pollSecret = deps.randomId(32);
  const expiresAt = now + WEB_LOGIN_TICKET_SECONDS * 1000;
  await deps.store.create({
    ticket,
    pollSecretHash: deps.hash(pollSecret),
    status: 'pending',
    requester: { browser: describeBrowser(request.userAgent), network, requestedAt: now },
    expiresAt,
  });
  return {
    status: 201,
    body: {
      ticket,
      pollSecret,
      expiresAt: new Date(expiresAt).toISOString(),
      code: await deps.codes.make(ticket),
      pollIntervalMs: WEB_LOGIN_POLL_INTERVAL_MS,
    },
  };
}

/** `GET /weblogin/{ticket}` with the poll secret: the ticket's state, or the login once. */
export async function pollTicket(
  deps: WebLoginDeps,
  ticket: string,
  pollSecret: string | undefined,
  request: WebLoginRequest,
): Promise<WebLoginResult<WebLoginPoll>> {
  const now = deps.now();
  const network = coarseNetwork(request.sourceIp);
  const wait = await deps.counter.take(
    `weblogin-poll#${network}`,
    deps.limits.pollsPerMinute,
    60,
    now,
  );
  if (wait > 0) return refused(429, 'RATE_LIMITED', 'polling too often', wait);
  const record = await deps.store.get(ticket);
  // An unknown ticket and a wrong secret look the same: nothing to learn by guessing.
  if (!record || !pollSecret || deps.hash(pollSecret) !== record.pollSecretHash) {
    return refused(404, 'NOT_FOUND', 'no such login request');
  }
  if (record.requester.network !== network) {
    return refused(403, 'FORBIDDEN', 'this login request was made from another network');
  }
  const status = visibleStatus(record, now);
  if (status !== 'approved') return { status: 200, body: { status } };
  const used = await deps.store.collect(ticket);
  if (!used?.approver) return { status: 200, body: { status: 'used' } };
  const sessionId = deps.randomId(12);
  const issued = await deps.issueToken(used.approver, sessionId);
  await deps.store.putSession(used.approver.userId, {
    sessionId,
    requester: used.requester,
    createdAt: now,
    expiresAt: issued.expiresAt,
  });
  await trimSessions(deps.store, used.approver.userId);
  return {
    status: 200,
    body: {
      status: 'approved',
      token: issued.token,
      user: { id: used.approver.userId, name: used.approver.name, role: 'admin' },
      expiresAt: new Date(issued.expiresAt).toISOString(),
    },
  };
}

/** Keeps a user's web sessions at MAX_WEB_SESSIONS: the oldest go first. */
async function trimSessions(store: WebLoginStore, userId: string): Promise<void> {
  const sessions = await store.sessions(userId);
  const extra = sessions
    .sort((a, b) => a.createdAt - b.createdAt)
    .slice(0, Math.max(0, sessions.length - MAX_WEB_SESSIONS));
  for (const old of extra) await store.deleteSession(userId, old.sessionId);
}

/** What the poller may learn: approved/refused/used as stored, else pending, scanned or expired. */
function visibleStatus(record: WebLoginRecord, now: number): WebLoginStatus | 'approved' {
  if (record.status === 'used' || record.status === 'refused') return record.status;
  if (record.status === 'approved') return 'approved';
  return record.expiresAt <= now ? 'expired' : record.status;
}

/** The domain of the WebSocket frames about tickets: the chat context plus the store. */
export interface WebLoginFrameDeps {
  readonly store: WebLoginStore;
}

function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') {
    throw new ForbiddenError('only the desk may log in to the console');
  }
}

/** `webloginview`: what a scanned ticket is; marks it scanned so the console can say so. */
export async function viewTicket(
  ctx: ChatContext,
  deps: WebLoginFrameDeps,
  caller: Caller,
  frame: WebLoginViewFrame,
): Promise<void> {
  requireAdmin(caller);
  const now = ctx.now();
  const record = await deps.store.markScanned(frame.ticket, now);
  if (!record) throw new NotFoundError('no such login request');
  const status = visibleStatus(record, now);
  const info: WebLoginInfoFrame = {
    type: 'weblogin',
    id: frame.id,
    ticket: record.ticket,
    status: status === 'approved' ? 'used' : status,
    requester: record.requester,
    expiresAt: record.expiresAt,
  };
  await reply(ctx, caller.connectionId, info);
}

/** `webloginanswer`: approve (binding the ticket to the caller) or refuse, once, before expiry. */
export async function answerTicket(
  ctx: ChatContext,
  deps: WebLoginFrameDeps,
  caller: Caller,
  frame: WebLoginAnswerFrame,
): Promise<void> {
  requireAdmin(caller);
  const approver: Identity = { userId: caller.userId, name: caller.name, role: caller.role };
  const answered = await deps.store.answer(
    frame.ticket,
    frame.approve ? approver : undefined,
    ctx.now(),
  );
  if (!answered) {
    const record = await deps.store.get(frame.ticket);
    if (!record) throw new NotFoundError('no such login request');
    throw new ForbiddenError('this login request has expired or was already answered');
  }
  ctx.log.info('web login answered', { userId: caller.userId, approved: frame.approve });
  const done: WebLoginAnsweredFrame = {
    type: 'webloginanswered',
    id: frame.id,
    ticket: frame.ticket,
    approved: frame.approve,
  };
  await reply(ctx, caller.connectionId, done);
}

/** `websessions`: the caller's console sessions, newest first. */
export async function listWebSessions(
  ctx: ChatContext,
  deps: WebLoginFrameDeps,
  caller: Caller,
  frame: { id: string },
): Promise<void> {
  const now = ctx.now();
  const sessions = (await deps.store.sessions(caller.userId))
    .filter((s) => s.expiresAt > now)
    .sort((a, b) => b.createdAt - a.createdAt);
  const list: WebSessionsListFrame = { type: 'websessions', id: frame.id, sessions };
  await reply(ctx, caller.connectionId, list);
}

/** `websignout`: deletes one of the caller's sessions and closes its open connections. */
export async function signOutWebSession(
  ctx: ChatContext,
  deps: WebLoginFrameDeps,
  caller: Caller,
  frame: WebSignOutFrame,
): Promise<void> {
  const session = await deps.store.getSession(caller.userId, frame.sessionId);
  if (!session) throw new NotFoundError('no such web session');
  // The item first: from now on $connect refuses the session's token, so a connection it opens
  // while the old ones close cannot outlive this.
  await deps.store.deleteSession(caller.userId, frame.sessionId);
  const ids = await ctx.connections.connectionsOf(caller.userId);
  const records = await Promise.all(ids.map((id) => ctx.connections.lookup(id)));
  const doomed = records.filter((r) => r?.webSessionId === frame.sessionId);
  for (const record of doomed) if (record) await ctx.sender.disconnect(record.connectionId);
  ctx.log.info('web session signed out', { userId: caller.userId, closed: doomed.length });
  const done: WebSignedOutFrame = {
    type: 'websignedout',
    id: frame.id,
    sessionId: frame.sessionId,
    closed: doomed.length,
  };
  await reply(ctx, caller.connectionId, done);
}

/** The address with its host part hidden: IPv4 as a /24, IPv6 as a /48. */
export function coarseNetwork(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.*`;
  if (ip.includes(':')) {
    const groups = ip.split(':').filter((g, i, all) => g !== '' || i === 0 || i === all.length - 1);
    return `${groups.slice(0, 3).join(':')}::*`;
  }
  return '?';
}

const BROWSERS: readonly [RegExp, string][] = [
  [/Edg\/(\d+)/, 'Edge'],
  [/MicroMessenger\/(\d+)/, 'WeChat'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[^ ]* Safari/, 'Safari'],
];
const SYSTEMS: readonly [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome 131 · Windows" from a User-Agent; "?" parts for what it does not say. */
export function describeBrowser(userAgent: string): string {
  let browser = '?';
  for (const [pattern, name] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? '?';
  return `${browser} · ${system}`.slice(0, 60);
}
