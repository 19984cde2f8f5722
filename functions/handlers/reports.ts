/** reports: Admins page through the open reports. */
import { listReports } from '../domain/reports';
import { ReportsFrame } from '../../protocol/client-frames';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, ReportsFrame, listReports);
