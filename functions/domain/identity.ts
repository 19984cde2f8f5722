import type { Role } from '../protocol/server-frames';

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
