/** leave: Leaves a room. */
import { leaveRoom } from '../domain/rooms';
import { LeaveFrame } from '../../protocol/client-frames';
import { presenceThrottle } from './chat-runtime';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(LeaveFrame, (ctx, caller, frame) =>
  leaveRoom(ctx, caller, frame, presenceThrottle),
);
