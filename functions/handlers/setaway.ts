/** setaway: a staff member away or back (functions/domain/staff.ts). */
import { setAway } from '../domain/staff';
import { SetAwayFrame } from '../../protocol/staff';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, SetAwayFrame, (ctx, caller, frame) =>
  setAway(ctx, runtime.staff, caller, frame),
);
