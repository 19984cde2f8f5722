/** createroom: Admins create a room. */
import { createRoom } from '../domain/rooms';
import { CreateRoomFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(CreateRoomFrame, createRoom);
