/**
 * Cursors of `search` pages: where the scan stopped (which list, which conversation, below which
 * seq), opaque to clients. A cursor that is not one of ours, or one for another query, is
 * BAD_REQUEST; it never reaches the database.
 */
import * as v from 'valibot';
import { MAX_CURSOR_LENGTH } from '../../protocol/limits';
import { BadRequestError } from './errors';

/**
 * `support`: the desk's support conversations, newest activity first (admins); `mine`: the
 * caller's own conversations in id order (a student's support conversation and joined rooms, an
 * admin's joined rooms); `one`: the single conversation the frame names.
 */
export type SearchPhase = 'support' | 'mine' | 'one';

export interface SearchCursor {
  readonly phase: SearchPhase;
  /** The conversation being scanned when the page stopped. */
  readonly conversationId: string;
  /** Its lastActivityAt as listed (support phase: where the listing resumes after it). */
  readonly lastActivityAt: number;
  /** Scan on below this seq. */
  readonly before: number;
  /** A short hash of the normalised query: a cursor only continues the search it came from. */
  readonly query: string;
}

const Wire = v.strictObject({
  p: v.picklist(['support', 'mine', 'one']),
  c: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  at: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  b: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  q: v.pipe(v.string(), v.maxLength(16)),
});

/** A short, stable digest of the query (FNV-1a): binds a cursor to its query, not a secret. */
export function queryTag(query: string): string {
  let hash = 0x811c9dc5;
  for (const unit of query) {
    hash ^= unit.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

export function encodeSearchCursor(cursor: SearchCursor): string {
  const wire = {
    p: cursor.phase,
    c: cursor.conversationId,
    at: cursor.lastActivityAt,
    b: cursor.before,
    q: cursor.query,
  };
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

/** The position a cursor names, or BAD_REQUEST for one that is not ours or not for this query. */
export function decodeSearchCursor(cursor: string, query: string): SearchCursor {
  let wire: unknown;
  try {
    if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error();
    wire = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('cursor is not one this server issued');
  }
  const parsed = v.safeParse(Wire, wire);
  if (!parsed.success || parsed.output.q !== queryTag(query)) {
    throw new BadRequestError('cursor is not one this server issued for this query');
  }
  const out = parsed.output;
  return {
    phase: out.p,
    conversationId: out.c,
    lastActivityAt: out.at,
    before: out.b,
    query: out.q,
  };
}
