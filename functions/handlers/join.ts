/** join: Joins a room. */
import { joinRoom } from '../domain/rooms';
import { JoinFrame } from '../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(JoinFrame, joinRoom);
