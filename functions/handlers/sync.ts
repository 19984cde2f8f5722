/** sync: Replies with a page of history. */
import { syncHistory } from '../domain/history';
import { SyncFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, SyncFrame, syncHistory);
