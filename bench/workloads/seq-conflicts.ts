/**
 * Simultaneous senders in one room: every round, `senders` members of each room send at the same
 * instant (rotating through the members, so with one sender they take turns), each through an
 * outbox that honours BUSY (clients/outbox-member.ts); the next round starts when every message of
 * this one is acked or has failed for good. What DynamoDB refused meanwhile is counted by the
 * phase at the proxy, so the figure holds whatever way the handlers allocate seqs.
 */
import type { OutboxMember, OutboxOutcome } from '../clients/outbox-member';

export interface ConflictRounds {
  readonly sent: number;
  readonly acked: number;
  /** BUSY refusals (seq races given up after a few tries, or sheds), over all messages. */
  readonly busy: number;
  /** Frames sent per message (1: no retries). */
  readonly attemptsPerMessage: number;
  readonly failedForGood: number;
}

/** Runs `rounds` rounds of `senders` simultaneous sends in each room of `outboxes`. */
export async function runConflictRounds(
  outboxes: readonly (readonly OutboxMember[])[],
  senders: number,
  rounds: number,
): Promise<ConflictRounds> {
  const outcomes: OutboxOutcome[] = [];
  for (let round = 0; round < rounds; round++) {
    const sends = outboxes.flatMap((members) =>
      Array.from({ length: Math.min(senders, members.length) }, (_, k) =>
        (members[(round * senders + k) % members.length] as OutboxMember).enqueue(),
      ),
    );
    outcomes.push(...(await Promise.all(sends)));
  }
  const acked = outcomes.filter((o) => o.acked).length;
  return {
    sent: outcomes.length,
    acked,
    busy: outcomes.reduce((n, o) => n + o.refusals.filter((r) => r.code === 'BUSY').length, 0),
    attemptsPerMessage: outcomes.reduce((n, o) => n + o.attempts, 0) / Math.max(1, outcomes.length),
    failedForGood: outcomes.length - acked,
  };
}
