/**
 * Recognizing DynamoDB's conditional failures. Matched on the error `name`, as the SDK sets it from
 * the service's error type; nothing else may leak out of an adapter as an SDK error.
 */

/** Whether a single-item write failed its condition. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The per-item cancellation codes of a cancelled transaction (`ConditionalCheckFailed`,
 * `TransactionConflict`, `None`…), or undefined when the error is not a cancellation.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons =
    (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code ?? 'None');
}
