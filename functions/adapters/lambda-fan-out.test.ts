/**
 * The Lambda fan-out adapter's error translation, through the real @aws-sdk/client-lambda client
 * against a server answering as Lambda's Invoke API does: 202 queues the slice; throttling, a
 * service error or another status reject with FanOutRefusedError (after the SDK's one retry).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaFanOut, FanOutRefusedError } from './lambda-fan-out';

let server: Server;
let endpoint: string;
let answer: { status: number; type?: string } = { status: 202 };
const requests: { path: string; type: string | undefined; body: string }[] = [];

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({
        path: request.url ?? '',
        type: request.headers['x-amz-invocation-type'] as string | undefined,
        body,
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (answer.type) headers['x-amzn-errortype'] = answer.type;
      response.writeHead(answer.status, headers);
      response.end(answer.type ? JSON.stringify({ Type: 'Service', message: 'no' }) : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const workers = () =>
  createLambdaFanOut({
    functionName: 'campus-chat-fanout-worker',
    region: 'us-east-1',
    endpoint,
    threshold: 10,
    sliceSize: 5,
  });

describe('createLambdaFanOut', () => {
  it('queues a slice as an Event invocation of the worker', async () => {
    answer = { status: 202 };
    requests.length = 0;
    await workers().dispatch({ data: '{"type":"pong"}', connectionIds: ['a', 'b'] });
    expect(requests).toEqual([
      {
        path: '/2015-03-31/functions/campus-chat-fanout-worker/invocations',
        type: 'Event',
        body: JSON.stringify({ data: '{"type":"pong"}', connectionIds: ['a', 'b'] }),
      },
    ]);
  });

  it.each([
    [429, 'TooManyRequestsException'],
    [500, 'ServiceException'],
  ])(
    'rejects with FanOutRefusedError when Lambda answers %i, after one retry',
    async (status, type) => {
      answer = { status, type };
      requests.length = 0;
      const refused = workers().dispatch({ data: '{}', connectionIds: ['a'] });
      await expect(refused).rejects.toBeInstanceOf(FanOutRefusedError);
      await expect(refused).rejects.toThrow(`${type} (${status})`);
      expect(requests).toHaveLength(2);
    },
  );

  it('rejects an answer other than 202: the slice was not queued', async () => {
    answer = { status: 200 };
    await expect(workers().dispatch({ data: '{}', connectionIds: ['a'] })).rejects.toThrow(
      'status 200',
    );
  });
});
