/**
 * Creates the tables declared in functions/tables.ts where they do not exist yet, with the same
 * keys, indexes and TTL the CDK stack gives them on AWS.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type Projection,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type KeyAttribute, TABLES, type TableDefinition, type TableId } from '../functions/tables';

function keySchema(partition: KeyAttribute, sort?: KeyAttribute): KeySchemaElement[] {
  return [
    { AttributeName: partition.name, KeyType: 'HASH' },
    ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function projection(value: TableDefinition['globalIndexes'][number]['projection']): Projection {
  if (value === 'ALL' || value === 'KEYS_ONLY') return { ProjectionType: value };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...value] };
}

/** The CreateTable request for a table definition. */
export function createTableInput(table: TableDefinition, tableName: string) {
  const attributes = new Map<string, AttributeDefinition>();
  const add = (key?: KeyAttribute) => {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  };
  add(table.partitionKey);
  add(table.sortKey);
  const indexes: GlobalSecondaryIndex[] = table.globalIndexes.map((index) => {
    add(index.partitionKey);
    add(index.sortKey);
    return {
      IndexName: index.indexName,
      KeySchema: keySchema(index.partitionKey, index.sortKey),
      Projection: projection(index.projection),
    };
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    ...(table.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }
      : {}),
  };
}

/** Creates every table that is missing; returns the names it created. */
export async function ensureTables(
  client: DynamoDBClient,
  names: Record<TableId, string>,
): Promise<string[]> {
  const created: string[] = [];
  for (const table of TABLES) {
    const tableName = names[table.id];
    try {
      await client.send(new CreateTableCommand(createTableInput(table, tableName)));
      created.push(tableName);
    } catch (error) {
      if ((error as Error).name !== 'ResourceInUseException') throw error;
      // A table kept from before its stream was declared (a data directory) gains it now.
      if (table.stream) await ensureStream(client, tableName, table.stream);
      continue;
    }
    if (table.ttlAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
  return created;
}

async function ensureStream(
  client: DynamoDBClient,
  tableName: string,
  viewType: NonNullable<TableDefinition['stream']>,
): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    }),
  );
}

/** The ARN of a table's current stream (DescribeTable's LatestStreamArn). */
export async function latestStreamArn(client: DynamoDBClient, tableName: string): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream`);
  return Table.LatestStreamArn;
}
