/**
 * What export and figures (export.ts) read: the desk's record (deskEvents) by UTC day and per
 * conversation. Implemented by functions/adapters/dynamo-export.ts; no SDK type here.
 */
import type { DeskState } from '../../protocol/desk';
import type { DeskChange } from './desk-ports';

/** One desk record as the export reads it (a state change, or a staff reply that answered). */
export interface DeskRecord {
  readonly conversationId: string;
  /** Epoch ms. */
  readonly at: number;
  /** The sort key (time, then id): where a conversation's read resumes. */
  readonly entry: string;
  readonly change: DeskChange | 'reply';
  readonly actorId: string;
  readonly actorName: string;
  /** The state after a change (absent on a reply). */
  readonly state?: DeskState;
  readonly ownerName?: string;
  /** The message that made it (a reopening, a reply); absent on records from before exports. */
  readonly seq?: number;
}

/** A bounded read: what it found, how many items it read, and whether it reached the end. */
export interface RecordPage {
  readonly records: DeskRecord[];
  readonly read: number;
  readonly complete: boolean;
}

export interface ExportStore {
  /**
   * The records of one UTC day (`YYYY-MM-DD`) with fromMs <= at < toMs that open a case (`new`,
   * `reopen`), reading at most `maxRead` index items.
   */
  caseStarts(utcDay: string, fromMs: number, toMs: number, maxRead: number): Promise<RecordPage>;
  /**
   * A conversation's records from `fromMs` on, in time order, until (and with) the first record
   * opening a case at or after `untilStartAt` — the end of the last case that began before it —
   * reading at most `maxRead` items.
   */
  conversationRecords(
    conversationId: string,
    fromMs: number,
    untilStartAt: number,
    maxRead: number,
  ): Promise<RecordPage>;
}
