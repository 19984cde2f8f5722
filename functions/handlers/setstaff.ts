/** setstaff: managers add, promote, demote or remove staff (functions/domain/staff.ts). */
import { setStaff } from '../domain/staff';
import { SetStaffFrame } from '../../protocol/staff';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, SetStaffFrame, (ctx, caller, frame) =>
  setStaff(ctx, runtime.staff, caller, frame),
);
