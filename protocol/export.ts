/**
 * Records for the service (docs/protocol.md "Export and figures"): `GET /export` of the HTTP API
 * answers a date range of the desk's conversations as CSV or JSON, or its figures (conversations
 * per day, median first-response time, resolved share). Shared by the server and the console.
 *
 * What is counted is a *case*: one round of a support conversation with the desk, from the
 * student's message that opened (or reopened) it to the next reopening. A student has one support
 * conversation for good, so a day's conversations are the cases opened that day.
 */
import * as v from 'valibot';

/** Longest range, in days (both ends included): a quarter, 93 days. */
export const MAX_EXPORT_DAYS = 93;
/** Most cases one export or figures answer covers; more → 413 TOO_LARGE (narrow the range). */
export const MAX_EXPORT_CASES = 2000;
/** Most desk records (deskEvents items) one answer reads; more → 413 TOO_LARGE. */
export const MAX_EXPORT_EVENTS = 20_000;
/** Most messages an export with text holds; more → 413 TOO_LARGE. */
export const MAX_EXPORT_MESSAGES = 20_000;
/**
 * Largest answer body, in bytes of the Lambda result it travels in (Lambda returns at most 6 MB;
 * JSON-escaping a CSV body can double its quotes and newlines): more → 413 TOO_LARGE.
 */
export const MAX_EXPORT_BYTES = 5_000_000;

export const EXPORT_FORMATS = ['csv', 'json', 'stats'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A calendar date on the campus clock, `YYYY-MM-DD`. */
const CalendarDate = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/));

/**
 * The query of `GET /export`: `from` and `to` (campus dates, both included), `format`, `text=1`
 * for the message text (managers only; csv and json only), `lang` of the CSV header and labels.
 */
export const ExportQuery = v.object({
  from: CalendarDate,
  to: CalendarDate,
  format: v.optional(v.picklist(EXPORT_FORMATS), 'csv'),
  text: v.optional(v.picklist(['0', '1']), '0'),
  lang: v.optional(v.picklist(['zh', 'en']), 'zh'),
});
export type ExportQuery = v.InferOutput<typeof ExportQuery>;

export const CaseState = v.picklist(['open', 'claimed', 'resolved']);

/** One message of an export with text. Times are ISO 8601 with the campus offset. */
export const ExportMessage = v.object({
  seq: v.number(),
  sentAt: v.string(),
  senderName: v.string(),
  senderRole: v.picklist(['student', 'admin']),
  /** Empty for a recalled or removed message (see `recalled`). */
  text: v.string(),
  recalled: v.optional(v.picklist(['sender', 'admin'])),
  image: v.optional(v.literal(true)),
  /** The desk's automatic reply. */
  auto: v.optional(v.literal(true)),
});

/** One case of `format=json`. */
export const ExportCase = v.object({
  conversationId: v.string(),
  studentName: v.string(),
  /** The student's message that opened the case. */
  startedAt: v.string(),
  /** The state now (a case that was reopened later ended resolved). */
  state: CaseState,
  ownerName: v.optional(v.string()),
  /** Seconds from the start to the desk's first reply; absent while unanswered. */
  firstResponseSeconds: v.optional(v.number()),
  resolvedAt: v.optional(v.string()),
  /** Messages of the case, the automatic reply included; absent for records without seq. */
  messageCount: v.optional(v.number()),
  messages: v.optional(v.array(ExportMessage)),
});

export const ExportDocument = v.object({
  from: v.string(),
  to: v.string(),
  timeZone: v.string(),
  generatedAt: v.string(),
  conversations: v.array(ExportCase),
});

/** One campus day of the figures. */
export const StatsDay = v.object({
  date: v.string(),
  conversations: v.number(),
  resolved: v.number(),
  medianFirstResponseSeconds: v.optional(v.number()),
});

/** `format=stats`. */
export const ExportStats = v.object({
  from: v.string(),
  to: v.string(),
  timeZone: v.string(),
  generatedAt: v.string(),
  days: v.array(StatsDay),
  conversations: v.number(),
  resolved: v.number(),
  /** resolved / conversations, 0..1; absent without conversations. */
  resolvedShare: v.optional(v.number()),
  medianFirstResponseSeconds: v.optional(v.number()),
});

export type ExportMessage = v.InferOutput<typeof ExportMessage>;
export type ExportCase = v.InferOutput<typeof ExportCase>;
export type ExportDocument = v.InferOutput<typeof ExportDocument>;
export type StatsDay = v.InferOutput<typeof StatsDay>;
export type ExportStats = v.InferOutput<typeof ExportStats>;
