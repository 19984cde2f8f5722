import type { Role } from '../../protocol/server-frames';

/** Who is acting: always taken from a verified token or the connection record, never a frame. */
export interface Identity {
  readonly userId: string;
  readonly name: string;
  readonly role: Role;
}

/** An identity acting through one WebSocket connection. */
export interface Caller extends Identity {
  readonly connectionId: string;
}

/**
 * The role a user has now. `ADMINS` (configuration) is the only source of the admin role: it is
 * applied at login, at every $connect and when a connection's cached identity is refreshed, so
 * removing someone from it ends their admin rights (docs/protocol.md "When rights end").
 */
export function roleFor(userId: string, admins: ReadonlySet<string>): Role {
  return admins.has(userId) ? 'admin' : 'student';
}
