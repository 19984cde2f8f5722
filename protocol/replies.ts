/**
 * One map types both directions of a request: for each client action, the server frame that
 * answers it (as socket.io's typed event maps do). The client core's `request` takes a
 * `ClientFrameOf<A>` and resolves with `ReplyOf<A>`; an `error` frame with the same `id` answers
 * any of them.
 */
import type { ClientAction } from './client-frames';
import type { ServerFrame } from './server-frames';

/** The `type` of the frame that answers each action (`typing`, `read` and `appstate` have no reply). */
export const REPLY_TYPES = {
  conversations: 'conversations',
  sendmessage: 'ack',
  sync: 'history',
  typing: undefined,
  read: undefined,
  createroom: 'room',
  join: 'joined',
  leave: 'left',
  rooms: 'rooms',
  block: 'blocked',
  ping: 'pong',
  recall: 'recalled',
  remove: 'recalled',
  report: 'reported',
  reports: 'reports',
  dismissreport: 'reportclosed',
  webloginview: 'weblogin',
  webloginanswer: 'webloginanswered',
  websessions: 'websessions',
  websignout: 'websignedout',
  subscription: 'subscription',
  upload: 'upload',
  imageurls: 'imageurls',
  appstate: undefined,
  claim: 'deskstate',
  release: 'deskstate',
  transfer: 'deskstate',
  resolve: 'deskstate',
  cannedreplies: 'cannedreplies',
  savecannedreply: 'cannedreplies',
  deletecannedreply: 'cannedreplies',
  search: 'searchresults',
  staff: 'staff',
  setstaff: 'staff',
  setaway: 'staff',
  staffaudit: 'staffaudit',
  createinvite: 'invite',
  viewinvite: 'invite',
  acceptinvite: 'invited',
} as const satisfies Record<ClientAction, ServerFrame['type'] | undefined>;

/** Actions the server answers. */
export type RequestAction = {
  [A in ClientAction]: (typeof REPLY_TYPES)[A] extends undefined ? never : A;
}[ClientAction];

/** The server frame that answers action `A`. */
export type ReplyOf<A extends RequestAction> = Extract<
  ServerFrame,
  { type: NonNullable<(typeof REPLY_TYPES)[A]> }
>;
