/** block: Admins block or unblock a user; blocking closes the user's open connections. */
import { setBlocked } from '../domain/moderation';
import { BlockFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(BlockFrame, setBlocked);
