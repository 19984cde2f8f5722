/**
 * Split fan-out (issue 18 "Large rooms on AWS"): one function posting to 500 connections at a
 * concurrency of 50 waits out ten waves of @connections latency (about 20 ms each on AWS). Above a
 * threshold the recipients are cut into slices; the sending function keeps the first and hands
 * the others to fan-out workers (functions/workers.ts FAN_OUT_WORKER), invoked asynchronously, so
 * the waves run side by side in several function instances. A slice whose invocation is refused
 * (after the SDK's own retries) is delivered by the sender itself: every recipient is posted by
 * exactly one function.
 */
import { MAX_MESSAGE_BYTES } from '../../protocol/limits';

/** One worker's share of a fan-out: the encoded frame and the connections to post it to. */
export interface FanOutSlice {
  readonly data: string;
  readonly connectionIds: readonly string[];
}

/** Where slices of a large fan-out go (adapters/lambda-fan-out.ts on AWS and locally). */
export interface FanOutWorkers {
  /** Fan-outs to more recipients than this are split. */
  readonly threshold: number;
  /** Recipients per slice (the sender's own slice included). */
  readonly sliceSize: number;
  /** Queues one slice for a worker (Lambda's `Event` invocation); rejects when it is refused. */
  dispatch(slice: FanOutSlice): Promise<void>;
}

export interface FanOutPlan {
  /** Posted by the sending function itself. */
  readonly inline: readonly string[];
  /** Each handed to one worker. */
  readonly slices: readonly (readonly string[])[];
}

/**
 * Async invocation payloads are limited to 256 KB; a slice carries a frame of at most
 * MAX_MESSAGE_BYTES and its connection ids (API Gateway's are 16 characters; 64 bytes each is
 * the bound kept here, JSON quoting included).
 */
export const MAX_INVOKE_PAYLOAD_BYTES = 256 * 1024;
export const CONNECTION_ID_BUDGET_BYTES = 64;
/** The largest slice whose payload always fits an asynchronous invocation. */
export const MAX_SLICE_SIZE = Math.floor(
  (MAX_INVOKE_PAYLOAD_BYTES - MAX_MESSAGE_BYTES - 1024) / CONNECTION_ID_BUDGET_BYTES,
);

/**
 * How `recipients` are delivered: all inline up to `threshold`; above it, ⌈n / sliceSize⌉ slices
 * of near-equal size (they differ by at most one), the first inline. Every recipient is in exactly
 * one place, in the order given.
 */
export function planFanOut(
  recipients: readonly string[],
  options: { readonly threshold: number; readonly sliceSize: number },
): FanOutPlan {
  const { threshold, sliceSize } = options;
  if (!(sliceSize >= 1 && sliceSize <= MAX_SLICE_SIZE) || !Number.isInteger(sliceSize)) {
    throw new Error(`the fan-out slice size must be a whole number from 1 to ${MAX_SLICE_SIZE}`);
  }
  if (recipients.length <= threshold) return { inline: recipients, slices: [] };
  const count = Math.ceil(recipients.length / sliceSize);
  const base = Math.floor(recipients.length / count);
  const larger = recipients.length % count;
  const parts: string[][] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const size = base + (i < larger ? 1 : 0);
    parts.push(recipients.slice(at, at + size));
    at += size;
  }
  const [inline = [], ...slices] = parts;
  return { inline, slices };
}
