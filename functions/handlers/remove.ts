/** remove: Admins take down any message; it becomes a tombstone and its reports close. */
import { removeMessage } from '../domain/recall';
import { RemoveFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(RemoveFrame, removeMessage);
