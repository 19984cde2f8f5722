/** remove: Admins take down any message; it becomes a tombstone and its reports close. */
import { removeMessage } from '../domain/recall';
import { RemoveFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, RemoveFrame, removeMessage);
