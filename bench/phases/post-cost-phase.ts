/**
 * The fan-out's floor on this machine (issue 18: "if the SDK is the limit, show it"): a 50-member
 * send's 49 posts, one fan-out at a time as a Lambda instance runs them, through the @connections
 * client the handlers use and, for reference, as bare node:http requests
 * (bench/fan-out/sdk-post-cost.ts). Measured after the stacks have stopped, against a server in
 * another process that answers at once, so nothing else competes for the client: the fan-out's
 * wall time here is a lower bound of what the same posts take inside the stack, and its CPU per
 * post is the client's own work.
 */
import { readConfig } from '../../functions/config';
import {
  HANDLERS_CLIENT,
  HTTP_REFERENCE,
  measureSdkVariants,
  type SdkVariantResult,
} from '../fan-out/sdk-post-cost';
import type { BenchSizes } from '../options';

export interface PostCostResult {
  /** Posts per fan-out (a 50-member room's recipients). */
  readonly recipients: number;
  /** Posts in flight at once (the handlers' FANOUT_CONCURRENCY). */
  readonly concurrency: number;
  /** The handlers' client. */
  readonly sdk: SdkVariantResult;
  /** Bare node:http, no SDK (reference only). */
  readonly http: SdkVariantResult;
}

/** Recipients of a send to a 50-member room. */
export const FLOOR_RECIPIENTS = 49;

export async function postCostPhase(
  sizes: Pick<BenchSizes, 'postCost'>,
  log: (line: string) => void,
): Promise<PostCostResult> {
  // The default configuration, as the bench's stack runs it (it sets no FANOUT_CONCURRENCY).
  const concurrency = readConfig({}).chat.fanOutConcurrency;
  log(`fan-out floor: ${FLOOR_RECIPIENTS}-post fan-outs, SDK client and bare node:http`);
  const [sdk, http] = await measureSdkVariants({
    recipients: FLOOR_RECIPIENTS,
    concurrency,
    parallelFanOuts: 1,
    fanOuts: sizes.postCost.fanOuts,
    rounds: sizes.postCost.rounds,
    variants: [HANDLERS_CLIENT, HTTP_REFERENCE],
  });
  if (!sdk || !http) throw new Error('the post-cost measurement returned no rows');
  return { recipients: FLOOR_RECIPIENTS, concurrency, sdk, http };
}
