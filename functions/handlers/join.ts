/** join: Joins a room. */
import { joinRoom } from '../domain/rooms';
import { JoinFrame } from '../../protocol/client-frames';
import { presenceThrottle } from './chat-runtime';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(JoinFrame, (ctx, caller, frame) =>
  joinRoom(ctx, caller, frame, presenceThrottle),
);
