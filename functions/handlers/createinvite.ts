/** createinvite: managers create an invitation to the staff (functions/domain/staff-invites.ts). */
import { createInvite } from '../domain/staff-invites';
import { CreateInviteFrame } from '../../protocol/staff-invites';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';
import { staffInviteStore } from './staff-invite-deps';

const runtime = createRuntime(process.env);
const invites = staffInviteStore(runtime);

export const handler = frameHandler(runtime, CreateInviteFrame, (ctx, caller, frame) =>
  createInvite(ctx, runtime.staff, invites, caller, frame),
);
