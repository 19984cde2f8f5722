/** acceptinvite: the caller joins the staff by an invitation (functions/domain/staff-invites.ts). */
import { acceptInvite } from '../domain/staff-invites';
import { AcceptInviteFrame } from '../../protocol/staff-invites';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';
import { staffInviteStore } from './staff-invite-deps';

const runtime = createRuntime(process.env);
const invites = staffInviteStore(runtime);

export const handler = frameHandler(runtime, AcceptInviteFrame, (ctx, caller, frame) =>
  acceptInvite(ctx, runtime.staff, invites, caller, frame),
);
