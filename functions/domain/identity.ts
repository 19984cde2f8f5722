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

// The role a user has now is the staff table's (functions/domain/staff-directory.ts), read at
// login, at every $connect and when a connection's cached identity is refreshed, so removing
// someone from the staff ends their admin rights (docs/protocol.md "When rights end").
