/** The staff invitations' store of a handler's runtime (functions/domain/staff-ports.ts). */
import { createDynamoStaffInviteStore } from '../adapters/dynamo-staff-invites';
import type { StaffInviteStore } from '../domain/staff-ports';
import type { Runtime } from '../runtime';

/** The invitations (staffInvites) and, for accepting, the staff table they add to. */
export function staffInviteStore(runtime: Runtime): StaffInviteStore {
  return createDynamoStaffInviteStore(runtime.db, runtime.config.tables);
}
