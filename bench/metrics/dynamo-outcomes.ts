/**
 * What DynamoDB answered, counted by operation and error type at the proxy in front of it, so a
 * figure like "seq conflicts per 100 sends" counts what DynamoDB refused (a cancelled transaction,
 * a failed condition) whatever way the handlers allocate seqs. Counted from every call, also while
 * the proxy keeps no call list (the throughput phase), so it costs a map update per request.
 */
import type { DynamoDbCall } from '../../local/dynamodb-proxy';

/** Requests and refusals of one operation. */
export interface OperationOutcome {
  readonly requests: number;
  /** Non-2xx answers by DynamoDB's error type (`TransactionCanceledException`…). */
  readonly errors: Readonly<Record<string, number>>;
  /**
   * ConditionalCheckFailedException by table id (`conversations`…; the name's part after
   * `campus-chat-`), so a preview dropped by design is told from a refused message write.
   */
  readonly conditionalByTable?: Readonly<Record<string, number>>;
}

/** Outcomes by operation (`TransactWriteItems`, `UpdateItem`…). */
export type DynamoOutcomes = Readonly<Record<string, OperationOutcome>>;

/** Counts calls as they finish. */
export class OutcomeCounter {
  private counts = new Map<
    string,
    { requests: number; errors: Record<string, number>; conditionalByTable: Record<string, number> }
  >();

  /** Adds one finished call. */
  note(call: Pick<DynamoDbCall, 'operation' | 'status' | 'errorType' | 'tables'>): void {
    let entry = this.counts.get(call.operation);
    if (!entry) {
      entry = { requests: 0, errors: {}, conditionalByTable: {} };
      this.counts.set(call.operation, entry);
    }
    entry.requests += 1;
    if (call.status >= 400 || call.status === 0) {
      const type = call.errorType ?? `HTTP ${call.status}`;
      entry.errors[type] = (entry.errors[type] ?? 0) + 1;
      if (type === CONDITIONAL_FAILED) {
        for (const name of call.tables) {
          const id = tableId(name);
          entry.conditionalByTable[id] = (entry.conditionalByTable[id] ?? 0) + 1;
        }
      }
    }
  }

  /** The counts since the last reset. */
  snapshot(): DynamoOutcomes {
    return Object.fromEntries(
      [...this.counts].map(([op, e]) => [
        op,
        {
          requests: e.requests,
          errors: { ...e.errors },
          ...(Object.keys(e.conditionalByTable).length > 0
            ? { conditionalByTable: { ...e.conditionalByTable } }
            : {}),
        },
      ]),
    );
  }

  reset(): void {
    this.counts = new Map();
  }
}

const CONDITIONAL_FAILED = 'ConditionalCheckFailedException';

/** A table's id in its name (`bench…-campus-chat-conversations` → `conversations`). */
export function tableId(name: string): string {
  const at = name.lastIndexOf('campus-chat-');
  return at < 0 ? name : name.slice(at + 'campus-chat-'.length);
}

/** The refusals that measure contention, per 100 messages sent. */
export interface ContentionFigures {
  /** TransactWriteItems answered TransactionCanceledException (a condition failed or a conflict). */
  readonly cancelledTransactions: number;
  /**
   * Single-item writes answered ConditionalCheckFailedException, except previews dropped by
   * design (below): a filler that found its seq stored, or any other refused write.
   */
  readonly conditionalFailures: number;
  /**
   * A room's last-message preview not put back when a failed send's seq was filled, because a
   * later send's preview is there already (UpdateItem on the conversations table, conditional on
   * `lastMessageSeq`): nothing is retried.
   */
  readonly previewsKept: number;
  /** Every DynamoDB write request (transactions and single-item writes), per 100 sends. */
  readonly writeRequests: number;
  /** Every DynamoDB request. */
  readonly requests: number;
}

const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteTransaction',
]);

/** Totals of `outcomes` per 100 of `sends` (0 sends: all zero). */
export function contentionPer100(outcomes: DynamoOutcomes, sends: number): ContentionFigures {
  let cancelled = 0;
  let conditional = 0;
  let previews = 0;
  let writes = 0;
  let requests = 0;
  for (const [operation, outcome] of Object.entries(outcomes)) {
    requests += outcome.requests;
    if (WRITE_OPERATIONS.has(operation)) writes += outcome.requests;
    cancelled += outcome.errors.TransactionCanceledException ?? 0;
    const kept = operation === 'UpdateItem' ? (outcome.conditionalByTable?.conversations ?? 0) : 0;
    previews += kept;
    conditional += (outcome.errors[CONDITIONAL_FAILED] ?? 0) - kept;
  }
  const per100 = (n: number) => (sends > 0 ? (n * 100) / sends : 0);
  return {
    cancelledTransactions: per100(cancelled),
    conditionalFailures: per100(conditional),
    previewsKept: per100(previews),
    writeRequests: per100(writes),
    requests: per100(requests),
  };
}
