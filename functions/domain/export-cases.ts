/**
 * Cases from the desk's record, and the figures over them (pure; export.ts reads, this decides).
 *
 * A case is one round of a support conversation with the desk: it starts with the record of the
 * student's message that opened it (`new`) or reopened it (`reopen`) and lasts until the next
 * such record. Its owner, state and resolution follow the claim, release, transfer and resolve
 * records inside it; its first response is the first `reply` record (a staff message that
 * answered the waiting student) inside it.
 */
import type { DeskState } from '../../protocol/desk';
import type { StatsDay } from '../../protocol/export';
import { parseConversationId } from './conversation-ids';
import type { DeskRecord } from './export-ports';
import { campusDate } from './export-time';

/** One case, times in epoch ms. */
export interface CaseRecord {
  readonly conversationId: string;
  readonly studentName: string;
  readonly startedAt: number;
  readonly state: DeskState;
  readonly ownerName?: string;
  readonly firstResponseAt?: number;
  readonly resolvedAt?: number;
  /** The first and last message of the case (both included), when the records say. */
  readonly seqs?: { readonly first: number; readonly last: number };
}

/** What the conversation item says now (the last case's state and owner, its last seq). */
export interface ConversationNow {
  readonly title: string;
  readonly deskState?: DeskState;
  readonly ownerName?: string;
  readonly lastSeq: number;
}

const opensCase = (r: DeskRecord) => r.change === 'new' || r.change === 'reopen';

/**
 * The cases of one conversation that started in [fromMs, toMs), from its records in time order
 * (from the first such start on; a start at or after toMs ends the last one) and the item now.
 */
export function casesOf(
  conversationId: string,
  records: readonly DeskRecord[],
  now: ConversationNow,
  fromMs: number,
  toMs: number,
): CaseRecord[] {
  const studentId = parseConversationId(conversationId);
  const cases: CaseRecord[] = [];
  const starts = records.flatMap((r, i) => (opensCase(r) ? [i] : []));
  starts.forEach((startIndex, n) => {
    const start = records[startIndex] as DeskRecord;
    if (start.at < fromMs || start.at >= toMs) return;
    const nextIndex = starts[n + 1];
    const next = nextIndex !== undefined ? records[nextIndex] : undefined;
    let state: DeskState = start.state ?? 'open';
    let ownerName: string | undefined;
    let firstResponseAt: number | undefined;
    let resolvedAt: number | undefined;
    for (const r of records.slice(startIndex + 1, nextIndex ?? records.length)) {
      if (r.change === 'reply') {
        firstResponseAt ??= r.at;
        continue;
      }
      if (r.state) state = r.state;
      ownerName = r.change === 'release' ? undefined : (r.ownerName ?? ownerName);
      if (r.change === 'resolve') resolvedAt = r.at;
    }
    if (!next) {
      // The conversation's last case: its item is the source of truth for the state now.
      state = now.deskState ?? state;
      ownerName = now.ownerName;
    }
    const last = next ? (next.seq !== undefined ? next.seq - 1 : undefined) : now.lastSeq;
    cases.push({
      conversationId,
      // The student's name when they opened it; a case a staff message opened (a conversation
      // from before the desk workflow) takes the conversation's title, the student's name.
      studentName:
        studentId?.kind === 'support' && start.actorId === studentId.studentId
          ? start.actorName
          : now.title,
      startedAt: start.at,
      state,
      ...(ownerName !== undefined ? { ownerName } : {}),
      ...(firstResponseAt !== undefined ? { firstResponseAt } : {}),
      ...(state === 'resolved' && resolvedAt !== undefined ? { resolvedAt } : {}),
      ...(start.seq !== undefined && last !== undefined && last >= start.seq
        ? { seqs: { first: start.seq, last } }
        : {}),
    });
  });
  return cases;
}

/** Whole seconds from the case's start to its first response. */
export function firstResponseSeconds(c: CaseRecord): number | undefined {
  return c.firstResponseAt === undefined
    ? undefined
    : Math.max(0, Math.round((c.firstResponseAt - c.startedAt) / 1000));
}

/** The median (the mean of the middle two of an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[mid]
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The figures of a range: per campus day and in total. */
export interface Figures {
  readonly days: StatsDay[];
  readonly conversations: number;
  readonly resolved: number;
  readonly resolvedShare?: number;
  readonly medianFirstResponseSeconds?: number;
}

/** Cases per campus day of `dates` (each a day of the range), resolved, median first response. */
export function figuresOf(
  cases: readonly CaseRecord[],
  dates: readonly string[],
  timeZone: string,
): Figures {
  const byDay = new Map<string, CaseRecord[]>(dates.map((d) => [d, []]));
  for (const c of cases) byDay.get(campusDate(c.startedAt, timeZone))?.push(c);
  const summary = (list: readonly CaseRecord[]) => {
    const medianSeconds = median(list.flatMap((c) => firstResponseSeconds(c) ?? []));
    return {
      conversations: list.length,
      resolved: list.filter((c) => c.state === 'resolved').length,
      ...(medianSeconds !== undefined ? { medianFirstResponseSeconds: medianSeconds } : {}),
    };
  };
  const total = summary(cases);
  return {
    days: [...byDay].map(([date, list]) => ({ date, ...summary(list) })),
    ...total,
    ...(total.conversations > 0 ? { resolvedShare: total.resolved / total.conversations } : {}),
  };
}
