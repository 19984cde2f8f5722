/**
 * Recognizing DynamoDB's conditional failures. Matched on the error `name`, as the SDK sets it from
 * the service's error type; nothing else may leak out of an adapter as an SDK error.
 */

/** Whether a single-item write failed its condition. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export interface CancellationReason {
  /** `ConditionalCheckFailed`, `TransactionConflict`, `None`… */
  readonly code: string;
  /** The item as it was, for a failed condition that asked for ALL_OLD. */
  readonly item?: Record<string, unknown>;
}

/**
 * The per-item reasons of a cancelled transaction, in TransactItems order, or undefined when the
 * error is not a cancellation.
 */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons =
    (error as { CancellationReasons?: { Code?: string; Item?: Record<string, unknown> }[] })
      .CancellationReasons ?? [];
  return reasons.map((r) => ({ code: r.Code ?? 'None', ...(r.Item ? { item: r.Item } : {}) }));
}

/** The per-item codes of a cancelled transaction; see cancellationReasons. */
export function cancellationCodes(error: unknown): string[] | undefined {
  return cancellationReasons(error)?.map((r) => r.code);
}

/**
 * A number attribute of an item that came back inside an error: the document client does not
 * unmarshall those, so it may still be in wire form (`{ N: "5" }`).
 */
export function numberAttribute(
  item: Record<string, unknown> | undefined,
  name: string,
): number | undefined {
  const value = item?.[name];
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'N' in value) return Number((value as { N: string }).N);
  return undefined;
}
