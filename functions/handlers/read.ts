/** read: Raises the caller's read position and tells the others. */
import { markRead } from '../domain/read-marks';
import { ReadFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, ReadFrame, markRead);
