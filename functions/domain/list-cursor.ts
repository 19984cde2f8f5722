/**
 * Cursors of the `conversations` and `rooms` pages: where the last page stopped (its phase and
 * its last conversation in newest-activity-first order), opaque to clients. A cursor that is not
 * one of ours (forged, cut, from another version) is BAD_REQUEST; it never reaches the database.
 */
import * as v from 'valibot';
import { MAX_CURSOR_LENGTH } from '../../protocol/limits';
import { BadRequestError } from './errors';
import type { ListPosition } from './ports';

/** Which list a cursor continues: the rooms, the support inbox, or a student's own list. */
export type ListPhase = 'room' | 'support' | 'mine';

export interface ListCursor {
  readonly phase: ListPhase;
  /** Resume after this conversation; absent: at the start of the phase. */
  readonly after?: ListPosition;
}

const Wire = v.union([
  v.strictObject({
    p: v.picklist(['room', 'support', 'mine']),
    at: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
    id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  }),
  v.strictObject({ p: v.picklist(['room', 'support', 'mine']) }),
]);

/** The cursor that resumes in `phase` after `last` (at the phase's start without one). */
export function encodeListCursor(phase: ListPhase, last?: ListPosition): string {
  const wire = last ? { p: phase, at: last.lastActivityAt, id: last.conversationId } : { p: phase };
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

/** The position a cursor names, or BAD_REQUEST for one that is not ours or not for `phases`. */
export function decodeListCursor(cursor: string, phases: readonly ListPhase[]): ListCursor {
  let wire: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error();
    wire = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('cursor is not one this server issued');
  }
  const parsed = v.safeParse(Wire, wire);
  if (!parsed.success || !phases.includes(parsed.output.p)) {
    throw new BadRequestError('cursor is not one this server issued');
  }
  const out = parsed.output;
  return 'at' in out
    ? { phase: out.p, after: { lastActivityAt: out.at, conversationId: out.id } }
    : { phase: out.p };
}
