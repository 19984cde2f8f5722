/** rooms: Replies with every room and whether the caller joined it. */
import { listRooms } from '../domain/conversation-list';
import { RoomsFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(RoomsFrame, listRooms);
