/**
 * Creates the tables declared in functions/tables.ts where they do not exist yet, with the same
 * keys, indexes and TTL the CDK stack gives them on AWS.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type Projection,
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
      if ((error as Error).name === 'ResourceInUseException') continue;
      throw error;
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
