/** join: Joins a room. */
import { joinRoom } from '../domain/rooms';
import { JoinFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, JoinFrame, (ctx, caller, frame) =>
  joinRoom(ctx, caller, frame, runtime.throttles.presence),
);
