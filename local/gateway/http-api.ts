/**
 * A local stand-in for the HTTP API in front of the login function: builds the payload format 2.0
 * event, invokes the handler, and writes its structured result back; a failing function is a 500
 * `{"message":"Internal Server Error"}`, as HTTP APIs answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpApiEvent } from './lambda-events';
import type { FunctionRuntime, FunctionSpec } from './lambda-runtime';
import { BodyTooLargeError, readBody } from './read-body';

const MAX_BODY_BYTES = 64 * 1024;

/** Serves one request with the function behind `routeKey`. */
export async function handleHttpApi(
  runtime: FunctionRuntime,
  spec: FunctionSpec,
  routeKey: string,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  apiDomain: string,
  onError: (message: string, error: unknown) => void,
  pathParameters: Record<string, string> = {},
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    response.writeHead(413, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'Request Entity Too Large' }));
    return;
  }
  const event = httpApiEvent(
    { apiId: 'local-http', domainName: apiDomain },
    {
      method: request.method ?? 'GET',
      url,
      headers: request.headers,
      sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    },
    routeKey,
    body,
    pathParameters,
  );
  let result: APIGatewayProxyStructuredResultV2;
  try {
    result = (await runtime.invoke(spec, event)) as APIGatewayProxyStructuredResultV2;
  } catch (error) {
    onError(`${routeKey} failed`, error);
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: 'Internal Server Error' }));
    return;
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(result.headers ?? {})) headers[key] = String(value);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
  );
}
