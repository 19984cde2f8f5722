/** recall: The sender takes back their own message within 2 minutes; it becomes a tombstone. */
import { recallMessage } from '../domain/recall';
import { RecallFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(RecallFrame, recallMessage);
