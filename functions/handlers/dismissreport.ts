/** dismissreport: Admins close a report without removing the message. */
import { dismissReport } from '../domain/reports';
import { DismissReportFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, DismissReportFrame, dismissReport);
