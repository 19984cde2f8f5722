/** recall: The sender takes back their own message within 2 minutes; it becomes a tombstone. */
import { recallMessage } from '../domain/recall';
import { RecallFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, RecallFrame, recallMessage);
