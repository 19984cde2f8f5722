/**
 * sendmessage of the Scan baseline: Scan every connection, post the frame's `data` to each of them
 * at once. See README.md beside this file for what it re-implements.
 */
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, managementEndpoint, tableName } from './clients';

interface MessageEvent {
  body?: string;
  requestContext: { connectionId: string; domainName: string; stage: string };
}

export async function handler(event: MessageEvent): Promise<{ statusCode: number; body: string }> {
  const connectionIds: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: 'connectionId',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) connectionIds.push(String(item.connectionId));
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  // As in the sample: a management client per invocation, every post at once.
  const api = new ApiGatewayManagementApiClient({
    endpoint: managementEndpoint(event.requestContext),
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
  const data = String((JSON.parse(event.body ?? '{}') as { data?: unknown }).data ?? '');
  try {
    await Promise.all(
      connectionIds.map(async (connectionId) => {
        try {
          await api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
            ?.httpStatusCode;
          if (status !== 410) throw error;
          await documentClient.send(
            new DeleteCommand({ TableName: tableName, Key: { connectionId } }),
          );
        }
      }),
    );
  } catch (error) {
    return { statusCode: 500, body: (error as Error).message };
  } finally {
    api.destroy();
  }
  return { statusCode: 200, body: 'Data sent.' };
}
