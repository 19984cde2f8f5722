/** report: A participant reports someone else's message to the desk. */
import { reportMessage } from '../domain/reports';
import { ReportFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(ReportFrame, reportMessage);
