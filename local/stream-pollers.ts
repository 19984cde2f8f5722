/**
 * The local stack's stream consumers: one StreamPoller per entry of functions/event-sources.ts,
 * reading the table's stream in DynamoDB Local and invoking the handler through the same
 * in-process Lambda runtime as the routes. What a mapping would send its on-failure destination
 * (the SQS dead-letter queue on AWS) is kept in `failures`.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EVENT_SOURCES, type StreamEventSource } from '../functions/event-sources';
import type { TableId } from '../functions/tables';
import { latestStreamArn } from './create-tables';
import type { FunctionRuntime } from './gateway/lambda-runtime';
import { type StreamFailureRecord, StreamPoller } from './stream-poller';

export interface StreamInvocation {
  readonly source: string;
  readonly records: number;
  readonly startedAt: number;
  endedAt?: number;
}

export interface StreamPollers {
  /** By event source id. */
  readonly pollers: ReadonlyMap<string, StreamPoller>;
  /** Everything sent to an on-failure destination, in order. */
  readonly failures: { readonly source: string; readonly record: StreamFailureRecord }[];
  /** Each handler invocation (`performance.now()` times, records), for the bench; last 1000. */
  readonly invocations: StreamInvocation[];
  stop(): Promise<void>;
}

/** Loads each consumer's handler and starts its poller at the stream's current end. */
export async function startStreamPollers(options: {
  readonly enabled: boolean;
  readonly endpoint: string;
  readonly region: string;
  readonly tables: Record<TableId, string>;
  readonly runtime: FunctionRuntime;
  readonly onError: (message: string, error: unknown) => void;
  readonly sources?: readonly StreamEventSource[];
}): Promise<StreamPollers> {
  const pollers = new Map<string, StreamPoller>();
  const failures: StreamPollers['failures'] = [];
  const invocations: StreamInvocation[] = [];
  const clients: { destroy(): void }[] = [];
  const stop = async () => {
    await Promise.all([...pollers.values()].map((poller) => poller.stop()));
    for (const client of clients.splice(0)) client.destroy();
  };
  if (!options.enabled) return { pollers, failures, invocations, stop };
  const db = new DynamoDBClient({ endpoint: options.endpoint, region: options.region });
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: options.region });
  clients.push(streams);
  try {
    for (const source of options.sources ?? EVENT_SOURCES) {
      await options.runtime.load(source.handler);
      const poller = new StreamPoller({
        client: streams,
        streamArn: await latestStreamArn(db, options.tables[source.table]),
        region: options.region,
        source,
        invoke: async (event) => {
          const call: StreamInvocation = {
            source: source.id,
            records: event.Records.length,
            startedAt: performance.now(),
          };
          invocations.push(call);
          if (invocations.length > 1000) invocations.shift();
          try {
            return await options.runtime.invoke(source, event);
          } finally {
            call.endedAt = performance.now();
          }
        },
        onFailure: (record) => failures.push({ source: source.id, record }),
        onError: options.onError,
      });
      await poller.start();
      pollers.set(source.id, poller);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    db.destroy();
  }
  return { pollers, failures, invocations, stop };
}
