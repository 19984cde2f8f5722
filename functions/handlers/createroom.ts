/** createroom: Admins create a room. */
import { createRoom } from '../domain/rooms';
import { CreateRoomFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, CreateRoomFrame, createRoom);
