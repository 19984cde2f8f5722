/** leave: Leaves a room. */
import { leaveRoom } from '../domain/rooms';
import { LeaveFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, LeaveFrame, (ctx, caller, frame) =>
  leaveRoom(ctx, caller, frame, runtime.throttles.presence),
);
