/** viewinvite: who invites with a scanned code, to which role (functions/domain/staff-invites.ts). */
import { viewInvite } from '../domain/staff-invites';
import { ViewInviteFrame } from '../../protocol/staff-invites';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';
import { staffInviteStore } from './staff-invite-deps';

const runtime = createRuntime(process.env);
const invites = staffInviteStore(runtime);

export const handler = frameHandler(runtime, ViewInviteFrame, (ctx, caller, frame) =>
  viewInvite(ctx, runtime.staff, invites, caller, frame),
);
