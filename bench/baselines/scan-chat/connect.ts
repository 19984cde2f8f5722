/** $connect of the Scan baseline: remember the connection id. No authentication. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './clients';

export async function handler(event: {
  requestContext: { connectionId: string };
}): Promise<{ statusCode: number }> {
  await documentClient.send(
    new PutCommand({
      TableName: tableName,
      Item: { connectionId: event.requestContext.connectionId },
    }),
  );
  return { statusCode: 200 };
}
