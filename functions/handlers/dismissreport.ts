/** dismissreport: Admins close a report without removing the message. */
import { dismissReport } from '../domain/reports';
import { DismissReportFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(DismissReportFrame, dismissReport);
