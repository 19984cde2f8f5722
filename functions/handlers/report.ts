/** report: A participant reports someone else's message to the desk. */
import { reportMessage } from '../domain/reports';
import { ReportFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, ReportFrame, reportMessage);
