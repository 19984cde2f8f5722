/** staffaudit: managers read the staff audit log (functions/domain/staff.ts). */
import { staffAudit } from '../domain/staff';
import { StaffAuditFrame } from '../../protocol/staff';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, StaffAuditFrame, (ctx, caller, frame) =>
  staffAudit(ctx, runtime.staff, caller, frame),
);
