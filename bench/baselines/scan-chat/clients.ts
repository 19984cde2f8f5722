/** Module-scope clients of the Scan baseline's handlers, as the sample creates them. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const tableName = process.env.TABLE_NAME ?? '';
const endpoint = process.env.DYNAMODB_ENDPOINT;
export const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
  }),
);

/** The @connections endpoint of an event (the sample builds https://{domainName}/{stage}). */
export function managementEndpoint(requestContext: { domainName: string; stage: string }): string {
  return (process.env.CONNECTIONS_ENDPOINT ?? 'https://{domainName}/{stage}')
    .replaceAll('{domainName}', requestContext.domainName)
    .replaceAll('{stage}', requestContext.stage);
}
