/** rooms: Replies with every room and whether the caller joined it. */
import { listRooms } from '../domain/conversation-list';
import { RoomsFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, RoomsFrame, listRooms);
