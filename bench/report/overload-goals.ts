/** The goals of issue 18 for overload and seq contention, evaluated from the measured figures. */
import { fmt } from './format';
import type { BenchReport, Goal } from './report-types';

export const OVERLOAD_SHARE_OF_PEAK = 0.9;
export const REFUSAL_LIMIT_MS = 100;

/** The highest accepted rate of any throughput step (rate search or overload curve). */
export function peakAccepted(t: BenchReport['throughput']): number {
  return Math.max(
    0,
    ...t.steps.map((s) => s.acceptedPerSecond),
    ...t.overload.steps.map((s) => s.acceptedPerSecond),
  );
}

/**
 * The least time the last message typed in an overload step must wait, had every message been
 * acked at `peak` msg/s from the step's first one: the step types `sent` messages in
 * `sent / offeredRate` seconds and the stack cannot ack them in less than `sent / peak`. Past the
 * retry budget, some messages fail for good however the stack sheds and the clients back off.
 */
export function leastLastWaitSeconds(
  step: { readonly sent: number; readonly offeredRate: number },
  peak: number,
): number {
  if (peak <= 0 || step.offeredRate <= 0) return Number.NaN;
  return Math.max(0, step.sent / peak - step.sent / step.offeredRate);
}

export function overloadGoals(report: Pick<BenchReport, 'throughput' | 'seqConflicts'>): Goal[] {
  const t = report.throughput;
  const peak = peakAccepted(t);
  const over = t.overload.steps.filter((s) => s.multiple >= 2);
  const stepOk = (s: (typeof over)[number]) =>
    s.acceptedPerSecond >= OVERLOAD_SHARE_OF_PEAK * peak &&
    (s.refusalLatency.count === 0 || s.refusalLatency.p99 <= REFUSAL_LIMIT_MS) &&
    s.failedForGood === 0;
  const overloadGoal: Goal = {
    goal: 'Overload at 2× and 3× the sustained rate (clients honouring BUSY / RATE_LIMITED)',
    target: `accepted ≥ ${OVERLOAD_SHARE_OF_PEAK * 100} % of the peak; refusals answered within ${REFUSAL_LIMIT_MS} ms (p99); none fails after a ${fmt(t.overload.retryBudgetMs / 1000, 0)} s retry budget`,
    measured:
      over.length === 0
        ? 'not measured at these sizes'
        : over
            .map(
              (s) =>
                `${s.multiple}×: ${fmt(peak > 0 ? (s.acceptedPerSecond / peak) * 100 : Number.NaN, 0)} % of ${fmt(peak)} msg/s, refusal p99 ${s.refusalLatency.count > 0 ? `${fmt(s.refusalLatency.p99)} ms` : '— (none)'}, ${s.failedForGood} failed`,
            )
            .join('; '),
    pass: over.length > 0 && over.every(stepOk),
  };
  const contended = report.seqConflicts.filter((c) => c.senders <= 20);
  // What the store refused of a send's writes; a later send's preview kept when a failed send's
  // seq was filled is not a conflict (it is never retried) and is reported beside it.
  const refused = (c: (typeof contended)[number]) =>
    c.contention.cancelledTransactions + c.contention.conditionalFailures;
  const seqGoal: Goal = {
    goal: 'Seq conflicts, rooms with ≤ 20 simultaneous senders',
    target:
      'no transaction cancelled or condition failed at DynamoDB per send (previews kept for a later message apart)',
    measured:
      contended.length === 0
        ? 'not measured at these sizes'
        : contended
            .map(
              (c) =>
                `${c.senders} of ${c.members} at once: ${fmt(refused(c))} per 100 sends (previews kept ${fmt(c.contention.previewsKept)})`,
            )
            .join('; '),
    pass: contended.length > 0 && contended.every((c) => refused(c) === 0),
  };
  return [overloadGoal, seqGoal];
}
