/** leave: Leaves a room. */
import { leaveRoom } from '../domain/rooms';
import { LeaveFrame } from '../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(LeaveFrame, leaveRoom);
