/**
 * Retrying within an invocation's time budget. Work that nobody will ask for again — API Gateway
 * calls $disconnect once, and a refused $connect must not leave its record behind — retries
 * transient failures (throttling, 5xx, timeouts: anything that is not a ChatError) until shortly
 * before the function's deadline, beyond the SDK's own few attempts. A ChatError is an answer,
 * never retried.
 */
import { ChatError } from './errors';

export interface RetryBudget {
  /** Epoch ms after which no new attempt starts. */
  readonly deadline: number;
  readonly now: () => number;
}

/** Room left at the end of an invocation to log and return once the retries gave up. */
export const ANSWER_MARGIN_MS = 1000;

/** Without a Lambda context (a direct call), the functions' 10 s timeout is assumed. */
export const DEFAULT_REMAINING_MS = 10_000;

/** The budget of an invocation with `remainingMs` left (Lambda's getRemainingTimeInMillis). */
export function invocationBudget(
  now: () => number,
  remainingMs: number = DEFAULT_REMAINING_MS,
): RetryBudget {
  return { deadline: now() + remainingMs - ANSWER_MARGIN_MS, now };
}

/**
 * Runs `work`, retrying failures with full-jitter backoff (50 ms doubling to 1 s) while the next
 * attempt can start before the deadline; then the last failure is thrown.
 */
export async function retryWithin<T>(
  budget: RetryBudget,
  work: () => Promise<T>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  random: () => number = Math.random,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ChatError) throw error;
      const wait = random() * Math.min(1000, 50 * 2 ** attempt);
      if (budget.now() + wait >= budget.deadline) throw error;
      await sleep(wait);
    }
  }
}
