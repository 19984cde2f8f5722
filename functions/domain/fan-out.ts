/**
 * Delivery of one frame to every connection subscribed to some topics. Posts run concurrently with
 * a bound; a connection the gateway reports gone is removed from the registry (awaited, so the
 * cleanup is not lost when the function freezes) and never fails the delivery. Above the
 * configured threshold a fan-out is split across fan-out workers (fan-out-split.ts).
 */
import type { ServerFrame } from '../../protocol/server-frames';
import type { ChatContext } from './chat-context';
import { MAX_MESSAGE_BYTES } from '../../protocol/limits';
import { ADMINS_TOPIC } from './conversation-ids';
import { type FanOutWorkers, planFanOut } from './fan-out-split';
import { ConnectionGoneError } from './errors';
import { utf8Length } from './frame-budget';

export interface FanOutReport {
  /** Posted by this function. */
  readonly delivered: number;
  readonly gone: number;
  readonly failed: number;
  /** Handed to fan-out workers (posted, and counted, there). */
  readonly dispatched: number;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Serializes a frame once, for any number of recipients. A frame API Gateway could not carry is a
 * bug (every page is built under SERVER_FRAME_BUDGET_BYTES): it fails here, loudly, rather than as
 * a 413 from @connections.
 */
export function encodeFrame(frame: ServerFrame): string {
  const data = JSON.stringify(frame);
  if (utf8Length(data) > MAX_MESSAGE_BYTES) {
    throw new Error(`a ${frame.type} frame is over the ${MAX_MESSAGE_BYTES}-byte message limit`);
  }
  return data;
}

/**
 * Sends `frame` to every subscriber of `topics` except `exceptConnectionId`.
 */
export async function fanOut(
  ctx: ChatContext,
  topics: readonly string[],
  frame: ServerFrame,
  exceptConnectionId?: string,
): Promise<FanOutReport> {
  const recipients = await recipientsOf(ctx, topics, exceptConnectionId);
  return deliver(ctx, recipients, encodeFrame(frame));
}

/** The connections subscribed to any of `topics`, each once, without `exceptConnectionId`. */
export async function recipientsOf(
  ctx: ChatContext,
  topics: readonly string[],
  exceptConnectionId?: string,
): Promise<string[]> {
  const lists = await Promise.all(topics.map((topic) => ctx.connections.subscribers(topic)));
  const recipients = new Set<string>();
  const demoted: string[] = [];
  let staff = ctx.staff && topics.includes(ADMINS_TOPIC) ? await ctx.staff.snapshot() : undefined;
  const adminsAt = topics.indexOf(ADMINS_TOPIC);
  if (ctx.staff && staff && lists[adminsAt]?.some((s) => !staff?.has(s.userId))) {
    // The cached list may predate a member added since: read it again before closing anyone.
    staff = await ctx.staff.snapshot(true);
  }
  lists.forEach((subscribers, i) => {
    for (const subscriber of subscribers) {
      if (subscriber.connectionId === exceptConnectionId) continue;
      if (topics[i] === ADMINS_TOPIC && staff && !staff.has(subscriber.userId)) {
        demoted.push(subscriber.connectionId);
        continue;
      }
      recipients.add(subscriber.connectionId);
    }
  });
  for (const id of demoted) recipients.delete(id);
  if (demoted.length > 0) await closeDemoted(ctx, demoted);
  return [...recipients];
}

/**
 * Connections on the admins topic of users no longer on the staff: their subscriptions are the old
 * role's, so they are closed (the client reconnects with what the user may do now).
 */
async function closeDemoted(ctx: ChatContext, connectionIds: readonly string[]): Promise<void> {
  ctx.log.warn('closing connections of users no longer admins', { count: connectionIds.length });
  await forEachConcurrently(connectionIds, ctx.config.fanOutConcurrency, async (connectionId) => {
    try {
      await ctx.sender.disconnect(connectionId);
    } catch (error) {
      if (!(error instanceof ConnectionGoneError)) {
        ctx.log.warn('could not close a demoted connection', {
          connectionId,
          error: describe(error),
        });
      }
    }
  });
}

/**
 * Posts already-encoded data to connections; see fanOut. With fan-out workers in the context and
 * more recipients than their threshold, the slices past the first are dispatched to workers while
 * this function posts the first; a slice whose dispatch is refused is posted here afterwards, so
 * every recipient is posted by exactly one function.
 */
export async function deliver(
  ctx: ChatContext,
  connectionIds: readonly string[],
  data: string,
): Promise<FanOutReport> {
  const workers = ctx.fanOutWorkers;
  if (!workers || connectionIds.length <= workers.threshold) {
    return post(ctx, connectionIds, data);
  }
  const plan = planFanOut(connectionIds, workers);
  const [own, refused] = await Promise.all([
    post(ctx, plan.inline, data),
    dispatchSlices(ctx, workers, plan.slices, data),
  ]);
  const late = refused.length > 0 ? await post(ctx, refused, data) : undefined;
  return {
    delivered: own.delivered + (late?.delivered ?? 0),
    gone: own.gone + (late?.gone ?? 0),
    failed: own.failed + (late?.failed ?? 0),
    dispatched: connectionIds.length - plan.inline.length - refused.length,
  };
}

/** Dispatches every slice at once; resolves with the recipients of the slices refused. */
async function dispatchSlices(
  ctx: ChatContext,
  workers: FanOutWorkers,
  slices: readonly (readonly string[])[],
  data: string,
): Promise<string[]> {
  const outcomes = await Promise.all(
    slices.map((connectionIds) =>
      workers.dispatch({ data, connectionIds }).then(
        () => [],
        (error: unknown) => {
          ctx.log.warn('fan-out slice refused; posting it inline', {
            recipients: connectionIds.length,
            error: describe(error),
          });
          return connectionIds;
        },
      ),
    ),
  );
  return outcomes.flat();
}

/** Posts data to each connection from this function. */
async function post(
  ctx: ChatContext,
  connectionIds: readonly string[],
  data: string,
): Promise<FanOutReport> {
  let delivered = 0;
  let gone = 0;
  let failed = 0;
  await forEachConcurrently(connectionIds, ctx.config.fanOutConcurrency, async (connectionId) => {
    try {
      await ctx.sender.send(connectionId, data);
      delivered++;
    } catch (error) {
      if (error instanceof ConnectionGoneError) {
        gone++;
        await dropStaleConnection(ctx, connectionId);
      } else {
        // The message is stored; the recipient catches up with `sync`. Never fail the sender.
        failed++;
        ctx.log.warn('post to connection failed', { connectionId, error: describe(error) });
      }
    }
  });
  return { delivered, gone, failed, dispatched: 0 };
}

/** Replies to one connection; a vanished caller is cleaned up instead of failing the request. */
export async function reply(
  ctx: ChatContext,
  connectionId: string,
  frame: ServerFrame,
): Promise<void> {
  try {
    await ctx.sender.send(connectionId, encodeFrame(frame));
  } catch (error) {
    if (!(error instanceof ConnectionGoneError)) throw error;
    await dropStaleConnection(ctx, connectionId);
  }
}

/**
 * The gateway answers 410 Gone for a connection whose $connect is still running (its record and
 * subscriptions are written early in $connect), and a fan-out racing it must not delete it as
 * stale. A connection younger than this is left to its own $disconnect (or the TTL); the margin
 * is well past the $connect function's timeout.
 */
export const STALE_CONNECTION_GRACE_MS = 30_000;

async function dropStaleConnection(ctx: ChatContext, connectionId: string): Promise<void> {
  try {
    await ctx.connections.close(connectionId, {
      connectedBefore: ctx.now() - STALE_CONNECTION_GRACE_MS,
    });
  } catch (error) {
    // TTL removes it eventually; a failed cleanup must not fail a delivery.
    ctx.log.warn('could not remove stale connection', { connectionId, error: describe(error) });
  }
}

/** A log-safe description of an error: its name and message, never a request or a token. */
export function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'unknown', message: String(error) };
}
