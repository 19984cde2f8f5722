/**
 * Seq contention on our stack by room size and simultaneous senders: for each scenario, fresh
 * rooms, rounds of simultaneous sends through outboxes that honour BUSY, and what DynamoDB refused
 * meanwhile (cancelled transactions, failed conditions) counted at the stack's proxy. Counting
 * DynamoDB's answers, not the handlers' retries, keeps the figure comparable across seq designs.
 */
import { openOursRoom } from '../clients/ours-room';
import { contentionPer100, type DynamoOutcomes } from '../metrics/dynamo-outcomes';
import type { BenchSizes } from '../options';
import type { StackHandle } from '../stack/stack-handle';
import { outboxesOf } from '../workloads/overload';
import { type ConflictRounds, runConflictRounds } from '../workloads/seq-conflicts';

export interface SeqConflictScenario extends ConflictRounds {
  readonly members: number;
  readonly senders: number;
  readonly rooms: number;
  readonly rounds: number;
  readonly dynamo: DynamoOutcomes;
  /** DynamoDB's refusals and requests per 100 messages sent. */
  readonly contention: ReturnType<typeof contentionPer100>;
  /** BUSY refusals per 100 messages sent. */
  readonly busyPer100: number;
}

export async function seqConflictPhase(
  ours: StackHandle,
  admin: string,
  sizes: BenchSizes,
  retryBudgetMs: number,
  log: (line: string) => void,
): Promise<SeqConflictScenario[]> {
  const plan = sizes.seqConflicts;
  const results: SeqConflictScenario[] = [];
  for (const [index, scenario] of plan.scenarios.entries()) {
    log(
      `seq conflicts: ${plan.rooms} room(s) of ${scenario.members}, ${scenario.senders} sending at once`,
    );
    const rooms = [];
    for (let r = 0; r < plan.rooms; r++) {
      rooms.push(
        await openOursRoom(ours.info, { tag: `q${index}r${r}`, size: scenario.members, admin }),
      );
    }
    await ours.settle();
    await ours.resetOutcomes();
    const rounds = await runConflictRounds(
      outboxesOf(rooms, retryBudgetMs),
      scenario.senders,
      plan.rounds,
    );
    await ours.settle();
    const dynamo = await ours.outcomes();
    await Promise.all(rooms.map((r) => r.close()));
    results.push({
      ...scenario,
      rooms: plan.rooms,
      rounds: plan.rounds,
      ...rounds,
      dynamo,
      contention: contentionPer100(dynamo, rounds.sent),
      busyPer100: rounds.sent > 0 ? (rounds.busy * 100) / rounds.sent : 0,
    });
  }
  return results;
}
