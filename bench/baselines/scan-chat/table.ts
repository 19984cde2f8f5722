/** The Scan baseline's one table: connections keyed by connectionId, nothing else. */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The table name the baseline's handlers read from TABLE_NAME. */
export function scanTableName(prefix: string): string {
  return `${prefix}simplechat-connections`;
}

/** Creates the table (on-demand, as the sample's template declares it). */
export async function createScanTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'connectionId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'connectionId', KeyType: 'HASH' }],
      }),
    );
  } finally {
    client.destroy();
  }
}
