/**
 * The overload curve and seq-contention parts of benchmarks.md's throughput section: every figure
 * from the report object, the prose saying how it was measured.
 */
import type { DynamoOutcomes } from '../metrics/dynamo-outcomes';
import { ms, num, table } from './format';
import { leastLastWaitSeconds, peakAccepted } from './overload-goals';
import type { BenchReport } from './report-types';

/** `BUSY 12, TIMEOUT 1`, or `0`. */
function counts(byCode: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byCode).filter(([, n]) => n > 0);
  return entries.length === 0 ? '0' : entries.map(([code, n]) => `${code} ${n}`).join(', ');
}

/** `TransactWriteItems: TransactionCanceledException 3`, or `none`. */
export function dynamoRefusals(outcomes: DynamoOutcomes): string {
  const parts = Object.entries(outcomes).flatMap(([operation, outcome]) =>
    Object.entries(outcome.errors).map(([type, n]) => `${operation}: ${type} ${n}`),
  );
  return parts.length === 0 ? 'none' : parts.join('; ');
}

/** The overload curve of `t` (its rate search supplies the peak too). */
export function overloadSection(t: BenchReport['throughput']): string[] {
  const o = t.overload;
  const peak = peakAccepted(t);
  const reasons = o.steps
    .filter((s) => Object.keys(s.refusalReasons).length > 0)
    .map(
      (s) =>
        `- ${s.multiple}×: ${Object.entries(s.refusalReasons)
          .map(([why, n]) => `${n}× ${why}`)
          .join('; ')}`,
    );
  return [
    `### Overload: ${o.steps.map((s) => `${s.multiple}×`).join(', ')} the sustained rate`,
    '',
    `The same ${t.rooms} rooms of ${t.members}, messages typed at a fixed multiple of the sustained rate (${num(o.baseRate, 0)} msg/s) whatever the answers, every member sending through an outbox that behaves as the app's (\`client/outbox-sender.ts\`): one message at a time in the order typed, the same id on every try, BUSY retried after \`retryAfterMs\` plus a full-jitter backoff growing with each refusal, RATE_LIMITED after \`retryAfterMs\`; a message not acked ${num(o.retryBudgetMs / 1000, 0)} s after its first try has failed for good (the app would keep trying). Accepted msg/s is acks per second from the first message typed to the last outcome; ack latency is typed → acked, queueing behind the member's earlier messages included; refusal latency is frame sent → error frame back (a TIMEOUT among the refusals is no answer within 30 s, retried with backoff as the outbox does, and has no refusal latency). The peak is the highest accepted rate of any step in this section (${num(peak, 1)} msg/s). The least wait of the last message typed is what it must wait even were every message acked at the peak rate from the step's start (sent ÷ peak − sent ÷ offered): where it passes the ${num(o.retryBudgetMs / 1000, 0)} s budget, some messages fail for good however the stack sheds, so that step measures the shedding, not whether none fails. DynamoDB's refusals are counted at the proxy in front of it, per 100 messages typed.`,
    '',
    table(
      [
        '× sustained',
        'offered msg/s',
        'sent',
        'accepted msg/s',
        '% of peak',
        'ack p50 ms',
        'ack p99 ms',
        'refusals',
        'refusal p50 / p99 ms',
        'acked after a refusal',
        'failed for good',
        'least wait of the last typed, s',
        'cancelled transactions / 100',
        'failed conditions / 100',
        'previews kept / 100',
      ],
      o.steps.map((s) => [
        `${s.multiple}×`,
        String(s.offeredRate),
        String(s.sent),
        num(s.acceptedPerSecond, 1),
        peak > 0 ? `${num((s.acceptedPerSecond / peak) * 100, 0)} %` : '—',
        ms(s.ack.p50),
        ms(s.ack.p99),
        counts(s.refusals),
        s.refusalLatency.count > 0
          ? `${ms(s.refusalLatency.p50)} / ${ms(s.refusalLatency.p99)}`
          : '—',
        String(s.ackedAfterRefusal),
        s.failedForGood === 0
          ? '0'
          : `${s.failedForGood} (${Object.entries(s.failureReasons)
              .map(([why, n]) => `${n}× ${why}`)
              .join('; ')})`,
        num(leastLastWaitSeconds(s, peak), 1),
        num(s.contention.cancelledTransactions, 1),
        num(s.contention.conditionalFailures, 1),
        num(s.contention.previewsKept, 1),
      ]),
    ),
    ...(reasons.length > 0 ? ['', 'Refusals by reason:', '', ...reasons] : []),
  ];
}

/** The seq-contention scenarios. */
export function seqConflictSection(scenarios: BenchReport['seqConflicts']): string[] {
  return [
    '### Seq conflicts by room size and simultaneous senders',
    '',
    "Fresh rooms per row; every round, that many members of each room send at the same instant (rotating through the members: with one sender they take turns), through the same outboxes as above, and the next round starts once every message of the round is acked or has failed for good. What DynamoDB refused meanwhile is counted at the proxy in front of it: transactions cancelled (`TransactionCanceledException`: a seq taken by another send, or a conflicting transaction) and single-item writes whose condition failed (`ConditionalCheckFailedException`: a filler that found its seq stored after all, or any other refused write), per 100 messages sent, and apart from them the previews kept (a failed send's seq was filled, and its last-message preview was not put back because a later send's is there already, by design: an `UpdateItem` on the conversations table; a room send writes its preview with the seq it takes) — what the store refused, whichever way the handlers allocate seqs. BUSY counts the refusals the senders got (seq races given up after a few tries, or sheds).",
    '',
    table(
      [
        'room size',
        'sending at once',
        'rooms × rounds',
        'messages',
        'acked',
        'cancelled transactions / 100',
        'failed conditions / 100',
        'previews kept / 100',
        'BUSY / 100',
        'frames per message',
        'DynamoDB writes / message',
        'DynamoDB refusals',
      ],
      scenarios.map((c) => [
        String(c.members),
        String(c.senders),
        `${c.rooms} × ${c.rounds}`,
        String(c.sent),
        String(c.acked),
        num(c.contention.cancelledTransactions, 1),
        num(c.contention.conditionalFailures, 1),
        num(c.contention.previewsKept, 1),
        num(c.busyPer100, 1),
        num(c.attemptsPerMessage, 2),
        num(c.contention.writeRequests / 100, 2),
        dynamoRefusals(c.dynamo),
      ]),
    ),
  ];
}
