/**
 * report, reports and dismissreport: a participant reports someone else's message (举报); the desk
 * pages through open reports and either removes the message (recall.ts `remove`, which closes its
 * reports as `removed`) or dismisses a report. A report keeps the text as it was when reported,
 * so the desk can judge it even after the sender recalled the message.
 */
import * as v from 'valibot';
import type { DismissReportFrame, ReportFrame, ReportsFrame } from '../../protocol/client-frames';
import { MAX_CURSOR_LENGTH, REPORTS_DEFAULT_LIMIT } from '../../protocol/limits';
import type { MessageReport } from '../../protocol/server-frames';
import { readableMessage } from './access';
import type { ChatContext } from './chat-context';
import { BadRequestError, ForbiddenError, NotFoundError } from './errors';
import { reply } from './fan-out';
import { itemsWithinBudget } from './frame-budget';
import type { Caller } from './identity';
import type { ReportPosition, ReportRecord } from './ports';

/** Files a report of a message the caller can read and did not write. */
export async function reportMessage(
  ctx: ChatContext,
  caller: Caller,
  frame: ReportFrame,
): Promise<void> {
  const { target, message } = await readableMessage(ctx, caller, frame.conversationId, frame.seq);
  if (message.senderId === caller.userId) {
    throw new BadRequestError('you cannot report your own message');
  }
  if (message.recalled !== undefined) throw new BadRequestError('the message was taken down');
  const stored = await ctx.moderation.addReport({
    conversationId: target.id,
    seq: message.seq,
    reporterId: caller.userId,
    reason: frame.reason,
    reportedAt: ctx.now(),
    status: 'open',
    senderId: message.senderId,
    senderName: message.senderName,
    text: message.text,
  });
  ctx.log.info('message reported', {
    conversationId: target.id,
    seq: message.seq,
    reason: stored.reason,
  });
  await reply(ctx, caller.connectionId, {
    type: 'reported',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    reportId: encodeReportId(stored),
  });
}

/** Admins: a page of open reports, newest first, under the frame budget. */
export async function listReports(
  ctx: ChatContext,
  caller: Caller,
  frame: ReportsFrame,
): Promise<void> {
  if (caller.role !== 'admin') throw new ForbiddenError('only admins can see reports');
  const after = frame.cursor !== undefined ? decodeReportId(frame.cursor) : undefined;
  const limit = frame.limit ?? REPORTS_DEFAULT_LIMIT;
  const page = await ctx.moderation.openReports(limit, after);
  const reports = page.items.map(toMessageReport);
  const envelope = {
    type: 'reports' as const,
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    reports: [] as MessageReport[],
    cursor: 'x'.repeat(MAX_CURSOR_LENGTH),
  };
  const fit = itemsWithinBudget(envelope, reports, { fromEnd: false });
  const last = page.items[fit - 1];
  const more = page.more || fit < reports.length;
  await reply(ctx, caller.connectionId, {
    type: 'reports',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    reports: reports.slice(0, fit),
    ...(more && last ? { cursor: encodeReportId(last) } : {}),
  });
}

/** Admins: closes a report without touching the message. */
export async function dismissReport(
  ctx: ChatContext,
  caller: Caller,
  frame: DismissReportFrame,
): Promise<void> {
  if (caller.role !== 'admin') throw new ForbiddenError('only admins can dismiss reports');
  const key = decodeReportId(frame.reportId);
  const closed = await ctx.moderation.closeReport(key, 'dismissed', caller.userId, ctx.now());
  if (!closed) throw new NotFoundError(`no report ${frame.reportId}`);
  await reply(ctx, caller.connectionId, {
    type: 'reportclosed',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    reportId: frame.reportId,
    status: closed.status,
  });
}

function toMessageReport(report: ReportRecord): MessageReport {
  return {
    reportId: encodeReportId(report),
    conversationId: report.conversationId,
    seq: report.seq,
    reporterId: report.reporterId,
    reason: report.reason,
    reportedAt: new Date(report.reportedAt).toISOString(),
    status: report.status,
    senderId: report.senderId,
    senderName: report.senderName,
    text: report.text,
  };
}

const ReportIdWire = v.strictObject({
  c: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  s: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  r: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  at: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});

/**
 * A report's id, opaque to clients: which message, who reported it and when (the last two also
 * make it the cursor of the open-reports order).
 */
export function encodeReportId(report: ReportPosition): string {
  const wire = {
    c: report.conversationId,
    s: report.seq,
    r: report.reporterId,
    at: report.reportedAt,
  };
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

/** The report an id names, or BAD_REQUEST for one this server did not issue. */
export function decodeReportId(id: string): ReportPosition {
  let wire: unknown;
  try {
    if (id.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(id)) throw new Error();
    wire = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('report id is not one this server issued');
  }
  const parsed = v.safeParse(ReportIdWire, wire);
  if (!parsed.success) throw new BadRequestError('report id is not one this server issued');
  const { c, s, r, at } = parsed.output;
  return { conversationId: c, seq: s, reporterId: r, reportedAt: at };
}
