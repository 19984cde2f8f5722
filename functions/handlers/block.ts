/** block: Admins block or unblock a user; blocking closes the user's open connections. */
import { setBlocked } from '../domain/moderation';
import { BlockFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, BlockFrame, setBlocked);
