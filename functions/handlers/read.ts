/** read: Raises the caller's read position and tells the others. */
import { markRead } from '../domain/read-marks';
import { ReadFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(ReadFrame, markRead);
