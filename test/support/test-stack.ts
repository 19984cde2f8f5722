/**
 * A local stack for one test file: the shared DynamoDB Local, tables of its own (a unique
 * prefix), the gateway and handlers on a free port.
 */
import { randomBytes } from 'node:crypto';
import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/local-stack';

/** Starts a stack; stop it in afterAll. */
export function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `t${randomBytes(4).toString('hex')}-`,
    admins: 'admin,admin2',
    port: 0,
    ...options,
  });
}

/** A connection's record as stored (a consistent read, straight from DynamoDB), if any. */
export async function connectionRecord(
  db: DynamoDBClient,
  stack: Pick<LocalStack, 'tables'>,
  connectionId: string,
): Promise<Record<string, AttributeValue> | undefined> {
  const { Item } = await db.send(
    new GetItemCommand({
      TableName: stack.tables.connections,
      Key: { connectionId: { S: connectionId } },
      ConsistentRead: true,
    }),
  );
  return Item;
}
