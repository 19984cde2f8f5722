/** $disconnect of the Scan baseline: forget the connection id. */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './clients';

export async function handler(event: {
  requestContext: { connectionId: string };
}): Promise<{ statusCode: number }> {
  await documentClient.send(
    new DeleteCommand({
      TableName: tableName,
      Key: { connectionId: event.requestContext.connectionId },
    }),
  );
  return { statusCode: 200 };
}
