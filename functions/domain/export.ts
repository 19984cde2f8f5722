/**
 * Export and figures (docs/protocol.md "Export and figures"): a range of campus days of the
 * desk's cases as CSV or JSON, or the figures over them. Every read is bounded
 * (protocol/export.ts): one index query per UTC day of the range, one query of each case's
 * conversation records, one batch read of the conversations, and — with text — the messages of
 * each case; past a bound the answer is 413 TOO_LARGE (a narrower range), never a partial file.
 *
 * Who: every staff member may export the cases and see the figures (what the console shows them
 * anyway); the message text (`text=1`) only a manager. Identity and role come from the verified
 * token and the staff table (handlers/export.ts), never from the query.
 */
import * as v from 'valibot';
import type { MessageId, Translator } from '../../client/i18n/index';
import { translator } from '../../client/i18n/translator';
import type { StaffRole } from '../../protocol/staff';
import {
  type ExportCase,
  type ExportDocument,
  type ExportMessage,
  ExportQuery,
  type ExportStats,
  MAX_EXPORT_BYTES,
  MAX_EXPORT_CASES,
  MAX_EXPORT_DAYS,
  MAX_EXPORT_EVENTS,
  MAX_EXPORT_MESSAGES,
} from '../../protocol/export';
import type { ChatMessage } from '../../protocol/server-frames';
import { BadRequestError, ForbiddenError, TooLargeError } from './errors';
import { type CaseRecord, casesOf, figuresOf, firstResponseSeconds } from './export-cases';
import { csvDocument, type CsvValue } from './export-csv';
import type { ExportStore } from './export-ports';
import {
  campusIso,
  campusMidnight,
  campusSpreadsheetTime,
  datesBetween,
  isCalendarDate,
} from './export-time';
import type { ConversationRecord, ConversationStore, MessageStore } from './ports';

/** Conversations read at once (record queries, message pages). */
const CONCURRENCY = 8;

export interface ExportDeps {
  readonly store: ExportStore;
  readonly conversations: Pick<ConversationStore, 'getMany'>;
  readonly messages: Pick<MessageStore, 'list'>;
  /** The campus time zone (NOTIFY_TIME_ZONE). */
  readonly timeZone: string;
  readonly now: () => number;
}

/** Who asks: a staff member, as the staff table says now. */
export interface ExportRequester {
  readonly userId: string;
  readonly staffRole: StaffRole;
}

/** The answer: its media type, body, and the file name a download gets. */
export interface ExportAnswer {
  readonly contentType: string;
  readonly body: string;
  readonly fileName?: string;
}

/** Answers `GET /export` with the given query parameters (strings, as the URL has them). */
export async function runExport(
  deps: ExportDeps,
  requester: ExportRequester,
  params: Record<string, string | undefined>,
): Promise<ExportAnswer> {
  const parsed = v.safeParse(ExportQuery, params);
  if (!parsed.success) {
    throw new BadRequestError('from and to are dates (YYYY-MM-DD); format csv, json or stats');
  }
  const query = parsed.output;
  if (!isCalendarDate(query.from) || !isCalendarDate(query.to) || query.to < query.from) {
    throw new BadRequestError('from and to must be dates with from <= to');
  }
  const dates = datesBetween(query.from, query.to);
  if (dates.length > MAX_EXPORT_DAYS) {
    throw new TooLargeError(`at most ${MAX_EXPORT_DAYS} days at once; narrow the range`);
  }
  const withText = query.text === '1' && query.format !== 'stats';
  if (withText && requester.staffRole !== 'manager') {
    throw new ForbiddenError('only a manager may export message text');
  }
  const fromMs = campusMidnight(query.from, deps.timeZone);
  // The end: the campus midnight after `to` (a day is not always 24 hours where DST exists).
  const toMs = campusMidnight(nextDate(query.to), deps.timeZone);
  const cases = await readCases(deps, fromMs, toMs);
  const generatedAt = campusIso(deps.now(), deps.timeZone);
  const tr = translator(query.lang);
  const base = `campus-chat-${query.from}_${query.to}`;

  if (query.format === 'stats') {
    const stats: ExportStats = {
      from: query.from,
      to: query.to,
      timeZone: deps.timeZone,
      generatedAt,
      ...figuresOf(cases, dates, deps.timeZone),
    };
    return bounded({ contentType: 'application/json; charset=utf-8', body: JSON.stringify(stats) });
  }
  const messages = withText ? await readMessages(deps, cases) : undefined;
  if (query.format === 'json') {
    const document: ExportDocument = {
      from: query.from,
      to: query.to,
      timeZone: deps.timeZone,
      generatedAt,
      conversations: cases.map((c, i) => jsonCase(c, deps.timeZone, messages?.[i])),
    };
    return bounded({
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(document),
      fileName: `${base}.json`,
    });
  }
  return bounded({
    contentType: 'text/csv; charset=utf-8',
    body: messages
      ? csvDocument(textRows(tr, cases, messages, deps.timeZone))
      : csvDocument(caseRows(tr, cases, deps.timeZone)),
    fileName: `${base}${messages ? '-messages' : ''}.csv`,
  });
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The cases that started in [fromMs, toMs), oldest first. */
async function readCases(deps: ExportDeps, fromMs: number, toMs: number): Promise<CaseRecord[]> {
  let budget = MAX_EXPORT_EVENTS;
  const spend = (read: number, complete: boolean) => {
    budget -= read;
    if (!complete) {
      throw new TooLargeError(`more than ${MAX_EXPORT_EVENTS} desk records; narrow the range`);
    }
  };
  // The UTC days that overlap the campus range (the index is partitioned by UTC day).
  const utcDays = datesBetween(
    new Date(fromMs).toISOString().slice(0, 10),
    new Date(toMs - 1).toISOString().slice(0, 10),
  );
  const firstStart = new Map<string, number>();
  for (const day of utcDays) {
    const page = await deps.store.caseStarts(day, fromMs, toMs, budget);
    spend(page.read, page.complete);
    for (const r of page.records) {
      const seen = firstStart.get(r.conversationId);
      if (seen === undefined || r.at < seen) firstStart.set(r.conversationId, r.at);
    }
  }
  const ids = [...firstStart.keys()];
  if (ids.length > MAX_EXPORT_CASES) {
    throw new TooLargeError(`more than ${MAX_EXPORT_CASES} conversations; narrow the range`);
  }
  const items = new Map<string, ConversationRecord>();
  for (const c of await deps.conversations.getMany(ids)) items.set(c.conversationId, c);
  const cases: CaseRecord[] = [];
  await eachLimited(ids, async (id) => {
    const page = await deps.store.conversationRecords(
      id,
      firstStart.get(id) as number,
      toMs,
      budget,
    );
    spend(page.read, page.complete);
    const item = items.get(id);
    cases.push(
      ...casesOf(
        id,
        page.records,
        {
          title: item?.title ?? '',
          lastSeq: item?.lastSeq ?? 0,
          ...(item?.deskState !== undefined ? { deskState: item.deskState } : {}),
          ...(item?.ownerName !== undefined ? { ownerName: item.ownerName } : {}),
        },
        fromMs,
        toMs,
      ),
    );
  });
  if (cases.length > MAX_EXPORT_CASES) {
    throw new TooLargeError(`more than ${MAX_EXPORT_CASES} conversations; narrow the range`);
  }
  return cases.sort(
    (a, b) => a.startedAt - b.startedAt || a.conversationId.localeCompare(b.conversationId),
  );
}

/** The messages of each case (in the order of `cases`), counted against MAX_EXPORT_MESSAGES. */
async function readMessages(
  deps: ExportDeps,
  cases: readonly CaseRecord[],
): Promise<ChatMessage[][]> {
  const total = cases.reduce((n, c) => n + (c.seqs ? c.seqs.last - c.seqs.first + 1 : 0), 0);
  if (total > MAX_EXPORT_MESSAGES) {
    throw new TooLargeError(`more than ${MAX_EXPORT_MESSAGES} messages; narrow the range`);
  }
  const out: ChatMessage[][] = cases.map(() => []);
  await eachLimited(
    cases.map((c, i) => ({ c, i })),
    async ({ c, i }) => {
      if (!c.seqs) return;
      const { messages } = await deps.messages.list(c.conversationId, {
        after: c.seqs.first - 1,
        before: c.seqs.last + 1,
        limit: c.seqs.last - c.seqs.first + 1,
        newest: false,
      });
      out[i] = messages;
    },
  );
  return out;
}

/** Runs `work` over `items`, CONCURRENCY at a time. */
async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

function bounded(answer: ExportAnswer): ExportAnswer {
  // The size of the body as the Lambda result carries it (JSON-escaped).
  if (Buffer.byteLength(JSON.stringify(answer.body)) > MAX_EXPORT_BYTES) {
    throw new TooLargeError('the export is too large; narrow the range');
  }
  return answer;
}

function messageCount(c: CaseRecord): number | undefined {
  return c.seqs ? c.seqs.last - c.seqs.first + 1 : undefined;
}

function jsonCase(c: CaseRecord, timeZone: string, messages?: ChatMessage[]): ExportCase {
  const seconds = firstResponseSeconds(c);
  const count = messageCount(c);
  return {
    conversationId: c.conversationId,
    studentName: c.studentName,
    startedAt: campusIso(c.startedAt, timeZone),
    state: c.state,
    ...(c.ownerName !== undefined ? { ownerName: c.ownerName } : {}),
    ...(seconds !== undefined ? { firstResponseSeconds: seconds } : {}),
    ...(c.resolvedAt !== undefined ? { resolvedAt: campusIso(c.resolvedAt, timeZone) } : {}),
    ...(count !== undefined ? { messageCount: count } : {}),
    ...(messages ? { messages: messages.map((m) => jsonMessage(m, timeZone)) } : {}),
  };
}

function jsonMessage(m: ChatMessage, timeZone: string): ExportMessage {
  return {
    seq: m.seq,
    sentAt: campusIso(Date.parse(m.sentAt), timeZone),
    senderName: m.senderName,
    senderRole: m.senderRole,
    text: m.recalled ? '' : m.text,
    ...(m.recalled ? { recalled: m.recalled } : {}),
    ...(m.image ? { image: true as const } : {}),
    ...(m.kind === 'auto' ? { auto: true as const } : {}),
  };
}

const CASE_COLUMNS: readonly MessageId[] = [
  'export.col.conversation',
  'export.col.student',
  'export.col.startedAt',
  'export.col.state',
  'export.col.owner',
  'export.col.firstResponse',
  'export.col.resolvedAt',
  'export.col.messages',
];

function caseRows(tr: Translator, cases: readonly CaseRecord[], timeZone: string): CsvValue[][] {
  return [
    CASE_COLUMNS.map((id) => tr.t(id)),
    ...cases.map((c) => [
      c.conversationId,
      c.studentName,
      campusSpreadsheetTime(c.startedAt, timeZone),
      tr.t(`desk.state.${c.state}`),
      c.ownerName,
      firstResponseSeconds(c),
      c.resolvedAt !== undefined ? campusSpreadsheetTime(c.resolvedAt, timeZone) : undefined,
      messageCount(c),
    ]),
  ];
}

const TEXT_COLUMNS: readonly MessageId[] = [
  'export.col.conversation',
  'export.col.student',
  'export.col.startedAt',
  'export.col.sentAt',
  'export.col.sender',
  'export.col.text',
];

function textRows(
  tr: Translator,
  cases: readonly CaseRecord[],
  messages: readonly ChatMessage[][],
  timeZone: string,
): CsvValue[][] {
  return [
    TEXT_COLUMNS.map((id) => tr.t(id)),
    ...cases.flatMap((c, i) =>
      (messages[i] ?? []).map((m) => [
        c.conversationId,
        c.studentName,
        campusSpreadsheetTime(c.startedAt, timeZone),
        campusSpreadsheetTime(Date.parse(m.sentAt), timeZone),
        m.senderName,
        messageText(tr, m),
      ]),
    ),
  ];
}

/** What a message row says: a tombstone as such, a picture as [图片] (with its caption). */
function messageText(tr: Translator, m: ChatMessage): string {
  if (m.recalled === 'admin') return tr.t('message.removedByAdmin');
  if (m.recalled) return tr.t('message.recalled');
  if (m.image)
    return m.text ? tr.t('preview.imageCaption', { text: m.text }) : tr.t('preview.image');
  return m.text;
}
