/** The desk's stores of a handler's runtime (functions/domain/desk-ports.ts). */
import { createDynamoCannedReplyStore } from '../adapters/dynamo-canned-replies';
import { createDynamoDeskStore } from '../adapters/dynamo-desk';
import type { CannedReplyStore, DeskStore } from '../domain/desk-ports';
import type { Runtime } from '../runtime';

/** The desk state store (conversations' desk fields, the byDesk index, the deskEvents record). */
export function deskStore(runtime: Runtime): DeskStore {
  return createDynamoDeskStore(runtime.db, runtime.config.tables);
}

/** The shared canned replies. */
export function cannedReplyStore(runtime: Runtime): CannedReplyStore {
  return createDynamoCannedReplyStore(runtime.db, runtime.config.tables.cannedReplies);
}
