/**
 * Who the client is and the token it connects with. The platform logs in (the mini-program with
 * `wx.login` + `POST /login`); the core asks for a session before each connection attempt.
 */
import type { Role } from '../protocol/server-frames';

export interface SessionUser {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export interface Session {
  readonly token: string;
  /** When the token stops being accepted, in epoch milliseconds (`expiresAt` of /login). */
  readonly expiresAt: number;
  readonly user: SessionUser;
}

/**
 * Returns a session. With `fresh: false` a cached one will do; with `fresh: true` the provider must
 * log in again. The core asks for a fresh one when the cached token is about to expire and after
 * repeated handshake failures (a refused token is indistinguishable from a network failure).
 */
export type SessionProvider = (options: { fresh: boolean }) => Promise<Session>;
