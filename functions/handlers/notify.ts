/**
 * notify: the stream consumer of the messages table (functions/event-sources.ts). Each batch of
 * stored support messages becomes WeChat subscribe-message notifications
 * (functions/domain/notify.ts); the reply names the first record to retry
 * (ReportBatchItemFailures). Its configuration comes from the runtime's environment, which the
 * stack sets on the function (infra/lib/stream-consumers.ts) and the local stack in this process;
 * subscribeMessage.send goes through the runtime's WeChat client (the shared access token); the
 * desk's automatic reply is posted through @connections at CONNECTIONS_API_URL.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createDocumentClient } from '../adapters/dynamo-client';
import { createNotifyDeps } from '../notify-runtime';
import { createRuntime } from '../runtime';
import { handleNotifyBatch } from './notify-batch';

const runtime = createRuntime(process.env, { service: 'notify' });
const { config } = runtime;
const db = createDocumentClient({ endpoint: config.dynamodbEndpoint, region: config.region });
const deps = createNotifyDeps({
  config,
  db,
  wechat: runtime.wechat.api,
  log: runtime.log,
  staff: runtime.staff,
  // Without an @connections endpoint there is no automatic reply (the stack always sets one).
  ...(config.connectionsApiUrl ? { chat: runtime.eventlessChatContext() } : {}),
});
if (!config.connectionsApiUrl && config.notify.deskHours) {
  runtime.log.error('CONNECTIONS_API_URL is not set: no automatic desk replies');
}

export function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return handleNotifyBatch(deps, event);
}
