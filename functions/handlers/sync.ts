/** sync: Replies with a page of history. */
import { syncHistory } from '../domain/history';
import { SyncFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(SyncFrame, syncHistory);
