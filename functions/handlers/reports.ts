/** reports: Admins page through the open reports. */
import { listReports } from '../domain/reports';
import { ReportsFrame } from '../../protocol/client-frames';
import { frameHandler } from './frame-handler';

export const handler = frameHandler(ReportsFrame, listReports);
