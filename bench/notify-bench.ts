/**
 * `npm run bench -- --notify`: the notification path alone, on the local stack in this process
 * behind the DynamoDB proxy. Each sample is an offline student with one credit whose desk replies
 * once; measured are the delay from the stored message (its server `sentAt`) to the
 * subscribeMessage.send the WeChat stand-in receives, and the DynamoDB requests and capacity units
 * the notifier's invocation made for it. Stream reads are reported apart: the poller's GetRecords
 * run 4 times a second per shard whether messages come or not (as Lambda's do), so they are a
 * rate, not a cost per message.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbProxy } from '../local/dynamodb-proxy';
import { startLocalStack } from '../local/local-stack';
import { connectAs } from '../test/support/chat-client';
import { notificationCost, totalOf } from './cost/cost-model';
import { LatencyRecorder, type LatencySummary } from './metrics/histogram';

/**
 * What the notifier itself issues (notify domain and adapters: GetItem and UpdateItem, DeleteItem
 * on a release). The admin's own sendmessage may still be fanning out while the notifier runs; its
 * Query, BatchGetItem and TransactWriteItems calls in the same window are not the notifier's.
 */
const NOTIFIER_OPERATIONS = new Set(['GetItem', 'UpdateItem', 'DeleteItem', 'PutItem']);

export interface NotifyBenchResult {
  readonly samples: number;
  readonly delay: LatencySummary;
  /** Per notified message, inside the notifier's invocation. */
  readonly requestsPerMessage: number;
  readonly capacityUnitsPerMessage: number;
  readonly readUnitsPerMessage: number;
  readonly writeUnitsPerMessage: number;
  readonly operations: Readonly<Record<string, number>>;
  /** Mean duration of the notifier's invocations, ms (one record each here). */
  readonly invocationMs: number;
  /** Stream reads per second while idle (GetRecords, per shard). */
  readonly streamReadsPerSecond: number;
}

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs `samples` notified replies one at a time. */
export async function notifyBench(
  dynamodbEndpoint: string,
  samples: number,
  log: (line: string) => void,
): Promise<NotifyBenchResult> {
  const proxy = await startDynamoDbProxy({ target: dynamodbEndpoint });
  const stack = await startLocalStack({
    dynamodbEndpoint: proxy.endpoint,
    tablePrefix: `nb${Date.now().toString(36)}-`,
    console: false,
    admins: 'admin',
  });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamodbEndpoint, region: 'us-east-1' }),
  );
  try {
    const admin = await connectAs(stack, 'admin');
    const delay = new LatencyRecorder();
    const operations: Record<string, number> = {};
    let requests = 0;
    let units = 0;
    let readUnits = 0;
    let writeUnits = 0;
    let invocationMs = 0;
    let invocations = 0;
    for (let i = 0; i < samples; i++) {
      const name = `bench${i}`;
      const student = await connectAs(stack, name);
      await student.request({
        action: 'sendmessage',
        conversationId: `support:${name}`,
        text: '在吗',
      });
      stack.wechat.subscribe.grant(name, process.env.NOTIFY_TEMPLATE_DESK_REPLIED ?? '');
      await student.request({ action: 'subscription', template: 'deskReplied', result: 'accept' });
      await student.close();
      await until(async () => {
        const { Item } = await db.send(
          new GetCommand({
            TableName: stack.tables.users,
            Key: { userId: name },
            ConsistentRead: true,
          }),
        );
        return !((Item?.liveConnections as Set<string> | undefined)?.size ?? 0);
      }, `${name} offline`);
      const before = stack.streams.invocations.length;
      const ack = await admin.request({
        action: 'sendmessage',
        conversationId: `support:${name}`,
        text: `第${i}条回复`,
      });
      const sentAt = Date.parse(String((ack.message as { sentAt: string }).sentAt));
      await until(
        () => stack.wechat.subscribe.sent.some((m) => m.touser === name),
        `${name} notified`,
      );
      const sent = stack.wechat.subscribe.sent.find((m) => m.touser === name);
      delay.record((sent?.at ?? sentAt) - sentAt);
      await until(
        () => stack.streams.invocations.slice(before).every((c) => c.endedAt !== undefined),
        'the notifier to return',
      );
      for (const call of stack.streams.invocations.slice(before)) {
        invocationMs += (call.endedAt ?? call.startedAt) - call.startedAt;
        invocations += 1;
        for (const c of proxy.calls()) {
          if (!NOTIFIER_OPERATIONS.has(c.operation)) continue;
          if (c.startedAt < call.startedAt || c.startedAt > (call.endedAt ?? 0)) continue;
          requests += 1;
          units += c.capacityUnits;
          if (c.kind === 'read') readUnits += c.capacityUnits;
          else writeUnits += c.capacityUnits;
          operations[c.operation] = (operations[c.operation] ?? 0) + 1;
        }
      }
      proxy.reset();
      if ((i + 1) % 10 === 0) log(`notify: ${i + 1}/${samples}`);
    }
    await admin.close();
    // Idle stream reads over two seconds.
    proxy.reset();
    const from = performance.now();
    await new Promise((r) => setTimeout(r, 2000));
    const reads = proxy.calls().filter((c) => c.operation === 'GetRecords').length;
    const seconds = (performance.now() - from) / 1000;
    return {
      samples,
      delay: delay.summary(),
      requestsPerMessage: requests / samples,
      capacityUnitsPerMessage: units / samples,
      readUnitsPerMessage: readUnits / samples,
      writeUnitsPerMessage: writeUnits / samples,
      invocationMs: Math.round((invocationMs / Math.max(1, invocations)) * 10) / 10,
      operations: Object.fromEntries(
        Object.entries(operations).map(([op, n]) => [op, Math.round((n / samples) * 100) / 100]),
      ),
      streamReadsPerSecond: Math.round((reads / seconds) * 10) / 10,
    };
  } finally {
    db.destroy();
    await stack.stop();
    await proxy.stop();
  }
}

/** The figures as a markdown section (docs/benchmarks.md "Notifications"). */
export function notifyMarkdown(result: NotifyBenchResult): string {
  const ops = Object.entries(result.operations)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  const perThousand =
    totalOf(
      notificationCost({
        invocationMs: result.invocationMs,
        readUnits: result.readUnitsPerMessage,
        writeUnits: result.writeUnitsPerMessage,
      }),
    ) * 1000;
  return [
    `Cost per 1,000 notified messages: $${perThousand.toFixed(5)} (notify invocation at 256 MB + DynamoDB request units; stream reads by Lambda are free).`,
    '',
    `| samples | delay p50 | delay p99 | max | DynamoDB requests / message | capacity units / message | notifier invocation | idle stream reads |`,
    `|---|---|---|---|---|---|---|---|`,
    `| ${result.samples} | ${result.delay.p50} ms | ${result.delay.p99} ms | ${result.delay.max} ms | ${result.requestsPerMessage.toFixed(1)} (${ops}) | ${result.capacityUnitsPerMessage.toFixed(1)} | ${result.invocationMs} ms | ${result.streamReadsPerSecond} GetRecords/s per shard |`,
  ].join('\n');
}
