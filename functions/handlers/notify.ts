/**
 * notify: the stream consumer of the messages table (functions/event-sources.ts). Each batch of
 * stored support messages becomes WeChat subscribe-message notifications (functions/domain/notify.ts);
 * the reply names the first record to retry (ReportBatchItemFailures).
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createDocumentClient } from '../adapters/dynamo-client';
import { createLogger } from '../adapters/logger';
import { createWeChatClient } from '../adapters/wechat-client';
import { readConfig } from '../config';
import { createNotifyDeps } from '../notify-runtime';
import { handleNotifyBatch } from './notify-batch';

const config = readConfig();
const db = createDocumentClient({ endpoint: config.dynamodbEndpoint, region: config.region });
const wechat = createWeChatClient({
  db,
  tokenTable: config.tables.wechatTokens,
  baseUrl: config.wechat.baseUrl,
  appId: config.wechat.appId,
});
const deps = createNotifyDeps({ config, db, wechat: wechat.api, log: createLogger('notify') });

export function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return handleNotifyBatch(deps, event);
}
