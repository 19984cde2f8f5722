/**
 * fanout-worker (functions/workers.ts FAN_OUT_WORKER): posts one slice of a large fan-out that a
 * sending function dispatched (functions/domain/fan-out-split.ts, Lambda's asynchronous `Event`
 * invocation). It posts through the same deliver path as the sender, so a connection found gone is
 * removed the same way; it never splits again (its slice is already one function's share). Its
 * @connections endpoint is CONNECTIONS_API_URL, which the stack sets (it has no WebSocket event).
 * It never throws for a failed post: Lambda would retry the whole slice and post it twice.
 */
import type { FanOutReport } from '../domain/fan-out';
import { deliver } from '../domain/fan-out';
import type { FanOutSlice } from '../domain/fan-out-split';
import { createRuntime } from '../runtime';

const runtime = createRuntime(process.env, { service: 'fanout-worker' });

/** The slice, if `event` is one (a sender's own payload; anything else is a bug, logged). */
function sliceOf(event: unknown): FanOutSlice | undefined {
  if (event === null || typeof event !== 'object') return undefined;
  const { data, connectionIds } = event as Record<string, unknown>;
  if (typeof data !== 'string' || !Array.isArray(connectionIds)) return undefined;
  if (!connectionIds.every((id): id is string => typeof id === 'string')) return undefined;
  return { data, connectionIds };
}

export async function handler(event: unknown): Promise<FanOutReport | undefined> {
  const slice = sliceOf(event);
  if (!slice) {
    runtime.log.error('fan-out worker got something that is not a slice');
    return undefined;
  }
  const { fanOutWorkers: _own, ...ctx } = runtime.eventlessChatContext();
  const report = await deliver(ctx, slice.connectionIds, slice.data);
  if (report.gone > 0 || report.failed > 0) runtime.log.info('fan-out slice posted', { ...report });
  return report;
}
