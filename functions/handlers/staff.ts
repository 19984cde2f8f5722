/** staff: the staff list (functions/domain/staff.ts). */
import { listStaff } from '../domain/staff';
import { StaffFrame } from '../../protocol/staff';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, StaffFrame, (ctx, caller, frame) =>
  listStaff(ctx, runtime.staff, caller, frame),
);
