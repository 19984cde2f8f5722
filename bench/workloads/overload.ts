/**
 * The overload curve: open-loop arrivals at a multiple of the sustained rate (messages typed at a
 * fixed rate, whatever the answers), each member sending through an outbox that honours BUSY and
 * RATE_LIMITED the way the app does (clients/outbox-member.ts). Reports what was accepted, how
 * fast, what was refused and how quickly the refusal came, and what failed for good.
 */
import { performance } from 'node:perf_hooks';
import { OutboxMember, type OutboxOutcome } from '../clients/outbox-member';
import type { OursRoomHandle } from '../clients/ours-room';
import type { ContentionFigures, DynamoOutcomes } from '../metrics/dynamo-outcomes';
import { LatencyRecorder, type LatencySummary } from '../metrics/histogram';

export interface OverloadStep {
  /** Offered rate as a multiple of the sustained rate. */
  readonly multiple: number;
  /** Messages typed per second. */
  readonly offeredRate: number;
  readonly sent: number;
  readonly acked: number;
  /** Acked messages per second, from the first message typed to the last outcome. */
  readonly acceptedPerSecond: number;
  /** Typed → acked (queueing behind the member's earlier messages and retry waits included). */
  readonly ack: LatencySummary;
  /** Refusals the server answered with, by code (a message refused twice counts twice). */
  readonly refusals: Readonly<Record<string, number>>;
  /** Refusals by code and the server's message (a shed and a lost seq race read differently). */
  readonly refusalReasons: Readonly<Record<string, number>>;
  /** Frame sent → refusal back, ms, over every error frame (TIMEOUT, no answer, left out). */
  readonly refusalLatency: LatencySummary;
  /** Messages acked only after at least one refusal. */
  readonly ackedAfterRefusal: number;
  /** Messages not acked: retry budget spent, or refused with a code the outbox does not retry. */
  readonly failedForGood: number;
  readonly failureReasons: Readonly<Record<string, number>>;
  /** Seconds from the first message typed to the last outcome. */
  readonly seconds: number;
  /** What DynamoDB answered during the step, and per 100 messages sent. */
  readonly dynamo: DynamoOutcomes;
  readonly contention: ContentionFigures;
}

/** The step's client-side figures (DynamoDB's side is added by the phase). */
export type OverloadClientStep = Omit<OverloadStep, 'dynamo' | 'contention' | 'multiple'>;

/** Every member of every room, each with its own outbox. */
export function outboxesOf(
  rooms: readonly OursRoomHandle[],
  retryBudgetMs: number,
): OutboxMember[][] {
  return rooms.map((room) =>
    Array.from({ length: room.size }, (_, m) => new OutboxMember(room, m, retryBudgetMs)),
  );
}

/**
 * Types `rate` messages per second for `seconds`, spread over the rooms and, within a room, over
 * its members in turn (as the throughput steps do); waits for every outcome.
 */
export async function runOverloadStep(
  outboxes: readonly (readonly OutboxMember[])[],
  rate: number,
  seconds: number,
): Promise<OverloadClientStep> {
  const total = Math.max(1, Math.round(rate * seconds));
  const started = performance.now();
  const pending: Promise<OutboxOutcome>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const members = outboxes[i % outboxes.length] as readonly OutboxMember[];
    const member = members[Math.floor(i / outboxes.length) % members.length] as OutboxMember;
    pending.push(member.enqueue());
  }
  const outcomes = await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  return {
    offeredRate: rate,
    sent: total,
    seconds: elapsed,
    ...summarizeOutcomes(outcomes, elapsed),
  };
}

/** The figures of a set of outcomes over `seconds`. */
export function summarizeOutcomes(
  outcomes: readonly OutboxOutcome[],
  seconds: number,
): Omit<OverloadClientStep, 'offeredRate' | 'sent' | 'seconds'> {
  const ack = new LatencyRecorder();
  const refusalLatency = new LatencyRecorder();
  const refusals: Record<string, number> = {};
  const refusalReasons: Record<string, number> = {};
  const failureReasons: Record<string, number> = {};
  let ackedAfterRefusal = 0;
  for (const outcome of outcomes) {
    for (const refusal of outcome.refusals) {
      refusals[refusal.code] = (refusals[refusal.code] ?? 0) + 1;
      refusalReasons[refusal.reason] = (refusalReasons[refusal.reason] ?? 0) + 1;
      // A missing ack is no answer: only the server's refusals have a latency.
      if (refusal.code !== 'TIMEOUT') refusalLatency.record(refusal.afterMs);
    }
    if (outcome.acked) {
      ack.record(outcome.ackMs ?? 0);
      if (outcome.refusals.length > 0) ackedAfterRefusal += 1;
    } else {
      // The message id left out, so equal reasons group.
      const reason = String(outcome.failure).replace(/^send \S+ (failed: )?/, '');
      failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
    }
  }
  return {
    acked: ack.count,
    acceptedPerSecond: ack.count / seconds,
    ack: ack.summary(),
    refusals,
    refusalReasons,
    refusalLatency: refusalLatency.summary(),
    ackedAfterRefusal,
    failedForGood: outcomes.length - ack.count,
    failureReasons,
  };
}
