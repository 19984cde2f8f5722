/**
 * Pagination and batching over the document client: every read follows LastEvaluatedKey, every
 * batch re-sends what DynamoDB left unprocessed, so callers always get the whole answer.
 */
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;
type KeysByTable = Record<string, Item[]>;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

const BATCH_GET_MAX = 100;
const BATCH_WRITE_MAX = 25;
const MAX_UNPROCESSED_ROUNDS = 8;

function backoff(round: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** round));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every item of every page of a query. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey as Item | undefined;
  } while (startKey);
  return items;
}

/**
 * Strongly consistent BatchGet of keys in several tables; returns the found items by table.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  keys: KeysByTable,
): Promise<Record<string, Item[]>> {
  const found: Record<string, Item[]> = {};
  const pending: { table: string; key: Item }[] = [];
  for (const [table, tableKeys] of Object.entries(keys)) {
    found[table] = [];
    for (const key of tableKeys) pending.push({ table, key });
  }
  for (const chunk of chunks(pending, BATCH_GET_MAX)) {
    let request: BatchGetCommandInput['RequestItems'] = {};
    for (const { table, key } of chunk) {
      const entry = request[table] ?? { Keys: [], ConsistentRead: true };
      entry.Keys?.push(key);
      request[table] = entry;
    }
    for (let round = 0; request && Object.keys(request).length > 0; round++) {
      if (round > MAX_UNPROCESSED_ROUNDS) throw new Error('BatchGet kept leaving keys unprocessed');
      if (round > 0) await backoff(round);
      const result: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: request }),
      );
      for (const [table, items] of Object.entries(result.Responses ?? {})) {
        found[table]?.push(...(items as Item[]));
      }
      request = result.UnprocessedKeys;
    }
  }
  return found;
}

/** BatchWrite of puts and deletes across tables, in chunks of 25, retrying unprocessed items. */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  writes: readonly { table: string; request: WriteRequest }[],
): Promise<void> {
  for (const chunk of chunks(writes, BATCH_WRITE_MAX)) {
    let request: Record<string, WriteRequest[]> | undefined = {};
    for (const { table, request: write } of chunk) {
      const list: WriteRequest[] = request[table] ?? [];
      list.push(write);
      request[table] = list;
    }
    for (let round = 0; request && Object.keys(request).length > 0; round++) {
      if (round > MAX_UNPROCESSED_ROUNDS)
        throw new Error('BatchWrite kept leaving items unprocessed');
      if (round > 0) await backoff(round);
      const result: BatchWriteCommandOutput = await client.send(
        new BatchWriteCommand({ RequestItems: request }),
      );
      request = result.UnprocessedItems as Record<string, WriteRequest[]> | undefined;
    }
  }
}
