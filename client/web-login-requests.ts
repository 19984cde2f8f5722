/**
 * Scan to log in, from the phone (protocol/web-login.ts): look at a scanned ticket, approve or
 * refuse it, list this user's console sessions and sign one out. None is resent after a lost
 * connection: an answer must be given knowingly, once.
 */
import type { ServerFrame } from '../protocol/server-frames';
import {
  WEB_LOGIN_APPROVAL_PAGE,
  WEB_LOGIN_QR_PREFIX,
  WEB_LOGIN_TICKET_PATTERN,
  type WebLoginInfoFrame,
  type WebSession,
} from '../protocol/web-login';
import { ProtocolError } from './errors';
import type { RequestChannel } from './request-channel';

type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

function expectFrame<T extends ServerFrame['type']>(frame: ServerFrame, type: T): FrameOf<T> {
  if (frame.type !== type) {
    throw new ProtocolError('INTERNAL', `expected a ${type} reply, got ${frame.type}`);
  }
  return frame as FrameOf<T>;
}

/**
 * The ticket in what a scanner read: the text of the console's plain QR code
 * (`campus-chat-weblogin:<ticket>`), the `scene` a mini-program code opened the page with, or the
 * `path` the in-app scanner reads from this mini-program's own code
 * (`pages/weblogin/index?scene=<ticket>`; iOS encodes the query, Android does not — a ticket has
 * no character either would change). Undefined for anything else (a stranger's code, a code of
 * another page).
 */
export function ticketFromScan(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let candidate = text;
  if (text.startsWith(WEB_LOGIN_QR_PREFIX)) {
    candidate = text.slice(WEB_LOGIN_QR_PREFIX.length);
  } else if (text.replace(/^\//, '').startsWith(`${WEB_LOGIN_APPROVAL_PAGE}?`)) {
    const query = text.slice(text.indexOf('?') + 1);
    // No URLSearchParams in the client core (WeChat's JS engine has none).
    const scene = query.split('&').find((pair) => pair.startsWith('scene='));
    candidate = safeDecode(scene?.slice('scene='.length) ?? '');
  }
  return WEB_LOGIN_TICKET_PATTERN.test(candidate) ? candidate : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

export class WebLoginRequests {
  constructor(private readonly requests: RequestChannel) {}

  /** Who is asking with `ticket` (and marks it scanned). */
  async view(ticket: string): Promise<WebLoginInfoFrame> {
    return expectFrame(
      await this.requests.call({ action: 'webloginview', ticket }, false),
      'weblogin',
    );
  }

  /** Approves or refuses `ticket`; rejects with FORBIDDEN when it expired or was answered. */
  async answer(ticket: string, approve: boolean): Promise<void> {
    expectFrame(
      await this.requests.call({ action: 'webloginanswer', ticket, approve }, false),
      'webloginanswered',
    );
  }

  /** This user's console sessions, newest first. */
  async sessions(): Promise<WebSession[]> {
    return expectFrame(await this.requests.call({ action: 'websessions' }, true), 'websessions')
      .sessions;
  }

  /** Signs a console session out (its connections close). */
  async signOut(sessionId: string): Promise<void> {
    expectFrame(
      await this.requests.call({ action: 'websignout', sessionId }, false),
      'websignedout',
    );
  }
}
